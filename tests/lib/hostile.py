"""The hostile-input corpus: every write path must store and return these
byte-exact, or refuse them with a clear error (exit 64).

`CORPUS` is a list of (name, bytes). `ARGV_SAFE` excludes what cannot be
passed as a command-line argument (NUL bytes, and the 1 MiB value, which
exceeds one argument's 128 KiB limit: it goes through stdin instead).
"""
from __future__ import annotations

CORPUS: list[tuple[str, bytes]] = [
    ("plain", b"hello world"),
    ("single-quote", b"it's"),
    ("quotes", b"'\"'\"''\"\"'"),
    ("sql-injection", b"'); DROP TABLE agents; --"),
    ("semicolon", b"a;b;;"),
    ("double-dash", b"--"),
    ("leading-dash", b"-n"),
    ("leading-double-dash-flag", b"--json"),
    ("newline-dot-shell", b"x\n.shell touch /tmp/roost-pwned\n"),
    ("dot-command", b".tables"),
    ("newline-dot-in-quote", b"'\n.exit 3\n'"),
    ("cr", b"a\rb"),
    ("crlf", b"line1\r\nline2\r\n"),
    ("trailing-newlines", b"body\n\n\n"),
    ("esc-sequences", b"\x1b[31mred\x1b[0m \x1b]0;title\x07 \x1b[2J"),
    ("c1-csi", "\u009b31m".encode()),
    ("c1-osc-st", "\u009d0;pwned\u009c after".encode()),
    ("c1-dcs", "\u0090qpayload\u009c".encode()),
    ("c1-every", ("c1:" + "".join(map(chr, range(0x80, 0xa0))) + ":end").encode()),
    ("raw-c1-bytes", b"raw \x9b31m \x9d0;t\x9c \x90q end"),
    ("unit-separator", b"a\x1fb\x1f0"),
    ("tab", b"a\tb\t"),
    ("empty", b""),
    ("emoji", "🐦 roost ✅ 👩‍💻".encode()),
    ("rtl-override", "abc\u202edcba".encode()),
    ("bidi-controls",
     "a\u202ab\u202bc\u202cd\u202de\u2066f\u2067g\u2068h\u2069i\u200ej\u200fk\u061cl".encode()),
    ("line-separators", "one\u2028two\u2029three".encode()),
    ("invalid-utf8", b"bad \xff\xfe \xc3\x28 end"),
    ("lone-continuation", b"\x80\x80"),
    ("shell-subst", b"$(touch /tmp/roost-pwned) `id` ${HOME}"),
    ("percent", b"%s %n %d %%"),
    ("backslashes", b"\\\\n \\t \\"),
    ("path-traversal", b"../../etc/passwd"),
    ("long-line", b"x" * 70000),
    ("many-quotes", b"'" * 5000),
    ("one-mib", (b"0123456789abcdef'\n" * 58255)[:1048576]),
]

ARGV_SAFE = [(n, v) for n, v in CORPUS if b"\0" not in v and len(v) < 100_000]
