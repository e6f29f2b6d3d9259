-- One inbox per device (docs/devices-and-inbox.md): everything a device is owed, in one order,
-- appended in the transaction of the change it reports, so nothing acknowledged to a client can be
-- missing from an inbox whatever process dies after. Pub/sub only says "look".

-- Each device's last position (1, 2, 3... with no gap, handed out under this row's lock in the
-- writing transaction, as a chat's seq is), what it acknowledged, and below which entries were
-- pruned (a cursor under it is too old).
CREATE TABLE "chats"."InboxHead" (
  "deviceId" UUID NOT NULL,
  "userId" UUID NOT NULL,
  "pos" INTEGER NOT NULL DEFAULT 0,
  "ackedPos" INTEGER NOT NULL DEFAULT 0,
  "prunedPos" INTEGER NOT NULL DEFAULT 0,
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "InboxHead_pkey" PRIMARY KEY ("deviceId")
);

-- kind: MessageAdded | MessageChanged | ReceiptChanged | ChatJoined | ChatLeft | CallSignal.
-- payload: what the entry needs besides its chat (a message id, marks, a call's signal).
CREATE TABLE "chats"."InboxEntry" (
  "deviceId" UUID NOT NULL,
  "pos" INTEGER NOT NULL,
  "kind" TEXT NOT NULL,
  "chatId" UUID,
  "payload" JSONB NOT NULL DEFAULT '{}',
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "InboxEntry_pkey" PRIMARY KEY ("deviceId", "pos")
);
CREATE INDEX "InboxEntry_createdAt_idx" ON "chats"."InboxEntry" ("createdAt");

-- Appends entries (p_kinds[i] with p_payloads[i], in that order) to the inbox of every active
-- device of p_users, or of the chat's current members when p_users is null: the caller holds the
-- chat's row lock (FOR UPDATE to change membership or number a message; this takes FOR SHARE
-- otherwise), so the members read here are who the change reaches, and after a member's ChatLeft
-- nothing of the chat is appended for their devices. Heads are locked in device order in one
-- statement, so concurrent appends to overlapping devices never deadlock. Returns what it wrote,
-- for the live "look" published after commit.
CREATE FUNCTION "chats"."inbox_append"(
  p_chat UUID,
  p_users UUID[],
  p_kinds TEXT[],
  p_payloads JSONB[]
) RETURNS TABLE ("deviceId" UUID, "pos" INTEGER, "kind" TEXT, "payload" JSONB)
LANGUAGE plpgsql AS $$
-- The output columns share the tables' names: a bare name in a query is the table's column.
#variable_conflict use_column
DECLARE
  v_users UUID[] := p_users;
  v_k INTEGER := cardinality(p_kinds);
BEGIN
  IF v_k = 0 THEN
    RETURN;
  END IF;
  IF p_chat IS NOT NULL THEN
    PERFORM 1 FROM "chats"."Chat" c WHERE c."id" = p_chat FOR SHARE;
  END IF;
  IF v_users IS NULL THEN
    SELECT array_agg(m."userId") INTO v_users FROM "chats"."ChatMember" m WHERE m."chatId" = p_chat;
  END IF;
  IF v_users IS NULL THEN
    RETURN;
  END IF;
  RETURN QUERY
  WITH heads AS (
    INSERT INTO "chats"."InboxHead" AS h ("deviceId", "userId", "pos")
    SELECT d."deviceId", d."userId", v_k FROM "chats"."DeviceProjection" d
    WHERE d."userId" = ANY(v_users)
    ORDER BY d."deviceId"
    ON CONFLICT ("deviceId") DO UPDATE SET "pos" = h."pos" + v_k
    RETURNING h."deviceId", h."pos"
  ), written AS (
    INSERT INTO "chats"."InboxEntry" AS e ("deviceId", "pos", "kind", "chatId", "payload")
    SELECT heads."deviceId", heads."pos" - v_k + i.n, p_kinds[i.n], p_chat, p_payloads[i.n]
    FROM heads CROSS JOIN generate_series(1, v_k) AS i(n)
    RETURNING e."deviceId", e."pos", e."kind", e."payload"
  )
  SELECT w."deviceId", w."pos", w."kind", w."payload" FROM written w;
END;
$$;

-- sendMessage appends MessageAdded to every member device's inbox in its transaction
-- (docs/devices-and-inbox.md), and answers what it appended (inbox: [{deviceId, pos}]) for the
-- live "look" published after commit. Otherwise as 20261212000000_send_message.
DROP FUNCTION "chats"."send_message"(UUID, UUID, TEXT, TEXT, BOOLEAN, UUID, UUID[]);

CREATE FUNCTION "chats"."send_message"(
  p_chat UUID,
  p_sender UUID,
  p_client_id TEXT,
  p_body TEXT,
  p_encrypted BOOLEAN,
  p_reply_to UUID,
  p_attachments UUID[]
) RETURNS TABLE (outcome TEXT, message JSONB, reply_to JSONB, inbox JSONB)
LANGUAGE plpgsql AS $$
DECLARE
  v_chat "chats"."Chat"%ROWTYPE;
  v_message "chats"."Message"%ROWTYPE;
  v_reply JSONB;
  v_other UUID;
  v_seq INTEGER;
  v_title TEXT;
  v_members UUID[];
  v_inbox JSONB;
BEGIN
  SELECT c.* INTO v_chat FROM "chats"."Chat" c
  JOIN "chats"."ChatMember" m ON m."chatId" = c."id" AND m."userId" = p_sender
  WHERE c."id" = p_chat;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'not_found'::TEXT, NULL::JSONB, NULL::JSONB, NULL::JSONB;
    RETURN;
  END IF;

  SELECT * INTO v_message FROM "chats"."Message" WHERE "senderId" = p_sender AND "clientId" = p_client_id;
  IF FOUND THEN
    RETURN QUERY SELECT CASE WHEN v_message."chatId" = p_chat THEN 'existing' ELSE 'client_id_elsewhere' END,
      to_jsonb(v_message), NULL::JSONB, NULL::JSONB;
    RETURN;
  END IF;

  IF v_chat."kind" = 'DIRECT' AND v_chat."directKey" IS NOT NULL THEN
    v_other := CASE WHEN split_part(v_chat."directKey", ':', 1)::UUID = p_sender
      THEN split_part(v_chat."directKey", ':', 2)::UUID
      ELSE split_part(v_chat."directKey", ':', 1)::UUID END;
    IF EXISTS (
      SELECT 1 FROM "chats"."BlockProjection" b
      WHERE (b."blockerId" = p_sender AND b."blockedId" = v_other)
         OR (b."blockerId" = v_other AND b."blockedId" = p_sender)
    ) THEN
      RETURN QUERY SELECT 'blocked'::TEXT, NULL::JSONB, NULL::JSONB, NULL::JSONB;
      RETURN;
    END IF;
  END IF;

  IF p_reply_to IS NOT NULL THEN
    SELECT to_jsonb(r) INTO v_reply FROM "chats"."Message" r WHERE r."id" = p_reply_to AND r."chatId" = p_chat;
    IF v_reply IS NULL THEN
      RETURN QUERY SELECT 'bad_reply'::TEXT, NULL::JSONB, NULL::JSONB, NULL::JSONB;
      RETURN;
    END IF;
  END IF;

  IF cardinality(p_attachments) > 0 AND (
    SELECT count(*) FROM "chats"."AttachableMedia"
    WHERE "mediaId" = ANY(p_attachments) AND "ownerId" = p_sender
  ) <> cardinality(p_attachments) THEN
    RETURN QUERY SELECT 'bad_attachments'::TEXT, NULL::JSONB, NULL::JSONB, NULL::JSONB;
    RETURN;
  END IF;

  -- The chat's row lock, until commit: concurrent senders queue here, so seqs are handed out in
  -- commit order with no gap.
  UPDATE "chats"."Chat" SET "lastSeq" = "lastSeq" + 1, "lastMessageAt" = now()
  WHERE "id" = p_chat
  RETURNING "lastSeq", "title" INTO v_seq, v_title;
  SELECT array_agg("userId") INTO v_members FROM "chats"."ChatMember" WHERE "chatId" = p_chat;
  IF v_seq IS NULL OR NOT (p_sender = ANY(v_members)) THEN
    -- Removed (or the chat gone) while waiting for the lock: nothing is kept.
    RAISE EXCEPTION 'not a member of chat %', p_chat USING ERRCODE = 'no_data_found';
  END IF;

  INSERT INTO "chats"."Message" ("id", "chatId", "seq", "senderId", "clientId", "body", "encrypted", "replyToId", "attachmentIds")
  VALUES (gen_random_uuid(), p_chat, v_seq, p_sender, p_client_id, p_body, p_encrypted, p_reply_to, p_attachments)
  RETURNING * INTO v_message;

  INSERT INTO "chats"."OutboxEvent" ("eventId", "type", "version", "payload")
  VALUES (gen_random_uuid(), 'MessageSent', 1, jsonb_build_object(
    'messageId', v_message."id",
    'chatId', p_chat,
    'seq', v_seq,
    'senderId', p_sender,
    'recipientIds', to_jsonb(array_remove(v_members, p_sender)),
    'encrypted', p_encrypted,
    'attachmentIds', to_jsonb(p_attachments),
    'chatTitle', v_title
  ));

  -- Every member device's inbox, the sender's own devices included, under the chat's lock.
  SELECT jsonb_agg(jsonb_build_object('deviceId', a."deviceId", 'pos', a."pos")) INTO v_inbox
  FROM "chats"."inbox_append"(p_chat, v_members, ARRAY['MessageAdded'],
    ARRAY[jsonb_build_object('messageId', v_message."id", 'seq', v_seq)]) a;

  RETURN QUERY SELECT 'sent'::TEXT, to_jsonb(v_message), v_reply, v_inbox;
END;
$$;
