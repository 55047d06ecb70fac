"""Messages (issue 3): send, recv and inbox, next to one bare sqlite3.

The big database gets a million stored messages (and their deliveries,
read, a third acknowledged) on top of bench/run's million events, written
with one INSERT ... SELECT per table. Agents: bench sends to peer; bench2
receives one fresh message per timed run (inserted untimed by `each`);
reader has five unread messages and lists them with inbox.
"""
import sqlite3

AGENTS = ("bench", "bench2", "peer", "reader")


def _setup(db, big):
    c = sqlite3.connect(db)
    c.executemany("INSERT OR IGNORE INTO agents(id, registered_at, last_seen) "
                  "VALUES (?, strftime('%s','now'), strftime('%s','now'))", [(a,) for a in AGENTS])
    c.execute("""
      WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 46)
      INSERT OR IGNORE INTO agents(id, registered_at, last_seen)
      SELECT 'filler' || i, strftime('%s','now'), strftime('%s','now') FROM n""")
    c.commit()
    if big:
        start = c.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
        # One message in 51 goes to each of the bench agents, all of them
        # read long ago: their history is as long as anyone's.
        c.execute("""
          WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
          INSERT INTO events(ts, agent, kind, target, body, at)
          SELECT 1000000 + i, 'filler' || (i % 47), 'msg.send',
                 CASE i % 51 WHEN 47 THEN 'bench' WHEN 48 THEN 'bench2' WHEN 49 THEN 'peer'
                   WHEN 50 THEN 'reader' ELSE 'filler' || ((i + 1) % 47) END,
                 'stored message number ' || i || ': a line of history that nobody reads any more',
                 strftime('%s','now') - 200000 + i / 10 FROM n""")
        c.execute("""INSERT INTO messages(id, sender, thread, reply_to)
                     SELECT seq, agent, seq, NULL FROM events WHERE seq > ? AND kind = 'msg.send'""", (start,))
        c.execute("""INSERT INTO deliveries(agent, msg, sender, read_at, acked_at)
                     SELECT target, seq, agent, at + 5, CASE WHEN seq % 3 = 0 THEN at + 9 END
                     FROM events WHERE seq > ? AND kind = 'msg.send'""", (start,))
        c.execute("UPDATE clocks SET t = 3000000")
        c.execute("INSERT OR IGNORE INTO clocks(agent, t) SELECT id, 3000000 FROM agents")
        c.commit()
    for i in range(5):
        _message(c, "peer", "reader", f"unread message {i} for the inbox\nsecond line")
    c.commit()
    c.close()


def _message(c, sender, to, body):
    c.execute("INSERT INTO emit(agent, kind, target, body, at, seen) "
              "VALUES (?, 'msg.send', ?, ?, strftime('%s','now'), 0)", (sender, to, body))
    mid = c.execute("SELECT max(seq) FROM events").fetchone()[0]
    c.execute("INSERT INTO messages(id, sender, thread) VALUES (?, ?, ?)", (mid, sender, mid))
    c.execute("INSERT INTO deliveries(agent, msg, sender) VALUES (?, ?, ?)", (to, mid, sender))


def _one_for_bench2(db):
    c = sqlite3.connect(db)
    _message(c, "peer", "bench2", "hello bench2: one message per timed recv")
    c.commit()
    c.close()


def cases(Case):
    return [
        Case("roost send", ["--agent", "bench", "send", "peer", "hello", "peer"], setup=_setup, scale=1.2),
        Case("roost recv (1 message)", ["--agent", "bench2", "recv"], setup=_setup, each=_one_for_bench2, scale=1.2),
        Case("roost inbox (5 unread)", ["--agent", "reader", "inbox"], setup=_setup, scale=1.2),
    ]
