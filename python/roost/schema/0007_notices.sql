-- Notices are messages. roost tells an agent when something of its was
-- taken or changed by someone else (a lease reclaimed or broken with
-- unlock --force, a task reclaimed, parked as stuck, escalated, or
-- finished with --force): those write an event of kind 'notice' aimed at
-- the agent. Like msg.send, the event is the message: this trigger files
-- it in the recipient's inbox, so `roost recv`, `inbox`, hooks and `prime`
-- show it, exactly once, with its own read and ack state.
CREATE TRIGGER notice_is_a_message AFTER INSERT ON events
WHEN NEW.kind = 'notice' AND EXISTS (SELECT 1 FROM agents WHERE id = NEW.target)
BEGIN
  INSERT INTO messages(id, sender, thread, reply_to) VALUES (NEW.seq, NEW.agent, NEW.seq, NULL);
  INSERT INTO deliveries(agent, msg, sender) VALUES (NEW.target, NEW.seq, NEW.agent);
END;
