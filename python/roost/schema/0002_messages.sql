-- roost messages: agents talk to each other through the event log.
--
-- A message IS its 'msg.send' event: its id is the event's seq (commit
-- order), its timestamp the sender's Lamport time, its body the event body
-- (stored byte-exact), its address (TO as written) the event target. The
-- tables below only index it: which thread it belongs to, and one delivery
-- row per recipient, which holds that recipient's read and ack state.

CREATE TABLE messages (
  id       INTEGER PRIMARY KEY REFERENCES events(seq),  -- = the msg.send event's seq
  sender   TEXT NOT NULL,
  thread   INTEGER NOT NULL,        -- id of the first message of the thread (itself for a root)
  reply_to INTEGER REFERENCES messages(id)
);
CREATE INDEX messages_thread ON messages(thread, id);
CREATE INDEX messages_sender ON messages(sender, id);

-- One row per (recipient, message), written in the sending transaction:
-- `all`, role: and team: are expanded to the agents registered at that
-- moment. State is per recipient: one reading a broadcast leaves it unread
-- for the others. Every index costs pages on each send, so there are two:
-- the primary key (a recipient's messages; a message's recipients are
-- found through it from `agents`, a small table) and the unread backlog.
CREATE TABLE deliveries (
  agent    TEXT NOT NULL REFERENCES agents(id),
  msg      INTEGER NOT NULL REFERENCES messages(id),
  sender   TEXT NOT NULL,           -- copied from messages, for recv --from
  read_at  INTEGER,                 -- unix time it was first shown to the recipient (NULL: unread)
  acked_at INTEGER,                 -- unix time the recipient acknowledged it
  PRIMARY KEY (agent, msg)
) WITHOUT ROWID;
-- recv and inbox read only this: its size is the unread backlog, not history.
CREATE INDEX deliveries_unread ON deliveries(agent, msg) WHERE read_at IS NULL;

INSERT INTO config(key, dflt, type, doc) VALUES
  ('msg_max_bytes', '1048576', 'int',
   'largest message body in bytes (default 1 MiB); send refuses a larger one with exit 64');
