-- "Effects happen once" is kept by each handler (projection versions, claims), not by this table:
-- nothing wrote or read it since firstDelivery lost its last caller (issue 23).
DROP TABLE IF EXISTS "users"."ProcessedEvent";
