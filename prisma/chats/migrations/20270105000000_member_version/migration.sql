-- A membership version per chat (issue 18): incremented in the transaction of every membership
-- change (create, add, remove, leave) under the chat's row lock. Every live event of the chat
-- carries it as `accessVersion` (docs/live-subscriptions.md), so a gateway that sees a newer one
-- checks the subscriber's access again before delivering: access never rests on a `liveAccess`
-- event arriving.
ALTER TABLE "chats"."Chat" ADD COLUMN "memberVersion" INTEGER NOT NULL DEFAULT 0;

-- sendMessage answers the version the message was numbered under (read with its seq, under the
-- chat's row lock, so it is the version of the members the message reached). Otherwise as
-- 20261231000000_inbox.
DROP FUNCTION "chats"."send_message"(UUID, UUID, TEXT, TEXT, BOOLEAN, UUID, UUID[]);

CREATE FUNCTION "chats"."send_message"(
  p_chat UUID,
  p_sender UUID,
  p_client_id TEXT,
  p_body TEXT,
  p_encrypted BOOLEAN,
  p_reply_to UUID,
  p_attachments UUID[]
) RETURNS TABLE (outcome TEXT, message JSONB, reply_to JSONB, inbox JSONB, member_version INTEGER)
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
  v_member_version INTEGER;
BEGIN
  SELECT c.* INTO v_chat FROM "chats"."Chat" c
  JOIN "chats"."ChatMember" m ON m."chatId" = c."id" AND m."userId" = p_sender
  WHERE c."id" = p_chat;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'not_found'::TEXT, NULL::JSONB, NULL::JSONB, NULL::JSONB, NULL::INTEGER;
    RETURN;
  END IF;

  SELECT * INTO v_message FROM "chats"."Message" WHERE "senderId" = p_sender AND "clientId" = p_client_id;
  IF FOUND THEN
    RETURN QUERY SELECT CASE WHEN v_message."chatId" = p_chat THEN 'existing' ELSE 'client_id_elsewhere' END,
      to_jsonb(v_message), NULL::JSONB, NULL::JSONB, NULL::INTEGER;
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
      RETURN QUERY SELECT 'blocked'::TEXT, NULL::JSONB, NULL::JSONB, NULL::JSONB, NULL::INTEGER;
      RETURN;
    END IF;
  END IF;

  IF p_reply_to IS NOT NULL THEN
    SELECT to_jsonb(r) INTO v_reply FROM "chats"."Message" r WHERE r."id" = p_reply_to AND r."chatId" = p_chat;
    IF v_reply IS NULL THEN
      RETURN QUERY SELECT 'bad_reply'::TEXT, NULL::JSONB, NULL::JSONB, NULL::JSONB, NULL::INTEGER;
      RETURN;
    END IF;
  END IF;

  IF cardinality(p_attachments) > 0 AND (
    SELECT count(*) FROM "chats"."AttachableMedia"
    WHERE "mediaId" = ANY(p_attachments) AND "ownerId" = p_sender
  ) <> cardinality(p_attachments) THEN
    RETURN QUERY SELECT 'bad_attachments'::TEXT, NULL::JSONB, NULL::JSONB, NULL::JSONB, NULL::INTEGER;
    RETURN;
  END IF;

  -- The chat's row lock, until commit: concurrent senders queue here, so seqs are handed out in
  -- commit order with no gap.
  UPDATE "chats"."Chat" SET "lastSeq" = "lastSeq" + 1, "lastMessageAt" = now()
  WHERE "id" = p_chat
  RETURNING "lastSeq", "title", "memberVersion" INTO v_seq, v_title, v_member_version;
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

  RETURN QUERY SELECT 'sent'::TEXT, to_jsonb(v_message), v_reply, v_inbox, v_member_version;
END;
$$;
