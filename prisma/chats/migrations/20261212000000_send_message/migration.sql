-- sendMessage in one round trip (issue 10): every check, the chat's row lock and next seq, the
-- message and its MessageSent outbox event, in one call. Each statement of a PL/pgSQL function
-- takes a fresh snapshot (READ COMMITTED), so the members are read under the lock, as before:
-- membership changes take the same lock, so they are who the message reaches.
--
-- Outcomes the caller turns into client errors: not_found (no such chat, or not a member),
-- client_id_elsewhere (the clientId was used in another chat), blocked (a direct chat with a
-- block either way), bad_reply, bad_attachments. 'existing' returns the message a previous try with
-- this clientId stored (idempotent send). A concurrent try that stores it first makes the insert
-- fail with a unique violation: the whole call rolls back (no seq is used) and the caller reads
-- the winner.
CREATE FUNCTION "chats"."send_message"(
  p_chat UUID,
  p_sender UUID,
  p_client_id TEXT,
  p_body TEXT,
  p_encrypted BOOLEAN,
  p_reply_to UUID,
  p_attachments UUID[]
) RETURNS TABLE (outcome TEXT, message JSONB, reply_to JSONB)
LANGUAGE plpgsql AS $$
DECLARE
  v_chat "chats"."Chat"%ROWTYPE;
  v_message "chats"."Message"%ROWTYPE;
  v_reply JSONB;
  v_other UUID;
  v_seq INTEGER;
  v_title TEXT;
  v_members UUID[];
BEGIN
  SELECT c.* INTO v_chat FROM "chats"."Chat" c
  JOIN "chats"."ChatMember" m ON m."chatId" = c."id" AND m."userId" = p_sender
  WHERE c."id" = p_chat;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'not_found'::TEXT, NULL::JSONB, NULL::JSONB;
    RETURN;
  END IF;

  SELECT * INTO v_message FROM "chats"."Message" WHERE "senderId" = p_sender AND "clientId" = p_client_id;
  IF FOUND THEN
    RETURN QUERY SELECT CASE WHEN v_message."chatId" = p_chat THEN 'existing' ELSE 'client_id_elsewhere' END,
      to_jsonb(v_message), NULL::JSONB;
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
      RETURN QUERY SELECT 'blocked'::TEXT, NULL::JSONB, NULL::JSONB;
      RETURN;
    END IF;
  END IF;

  IF p_reply_to IS NOT NULL THEN
    SELECT to_jsonb(r) INTO v_reply FROM "chats"."Message" r WHERE r."id" = p_reply_to AND r."chatId" = p_chat;
    IF v_reply IS NULL THEN
      RETURN QUERY SELECT 'bad_reply'::TEXT, NULL::JSONB, NULL::JSONB;
      RETURN;
    END IF;
  END IF;

  IF cardinality(p_attachments) > 0 AND (
    SELECT count(*) FROM "chats"."AttachableMedia"
    WHERE "mediaId" = ANY(p_attachments) AND "ownerId" = p_sender
  ) <> cardinality(p_attachments) THEN
    RETURN QUERY SELECT 'bad_attachments'::TEXT, NULL::JSONB, NULL::JSONB;
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

  RETURN QUERY SELECT 'sent'::TEXT, to_jsonb(v_message), v_reply;
END;
$$;
