#!/usr/bin/env python3
"""Regenerate tests/fixtures/hooks/ from the real CLIs, and run the hook
protocol experiments (deny / stop / context injection) whose results are
written up in tests/fixtures/hooks/README.md.

    python3 tests/e2e/capture_fixtures.py [--vendors claude,codex,...]
                                          [--only capture,deny,stop,context]

Writes:
  tests/fixtures/hooks/<vendor>/<event>[_<tool>].json   one observed payload each
  tests/fixtures/hooks/observed.json                    machine-readable results

Payloads are scrubbed: the temp project path becomes /tmp/proj, the temp
HOME /tmp/home, the work dir /tmp/e2e, the dummy API key "REDACTED".
"copilot" holds the camelCase events, "copilot-pascal" the PascalCase ones
(separate folders so that no two fixture names differ only by case).
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import drive  # noqa: E402

ROOT = HERE.parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "hooks"

# "variants": a vendor CLI plus the hook event naming it is configured with.
VARIANTS = {
    "claude": ("claude", drive.EVENTS["claude"]),
    "codex": ("codex", drive.EVENTS["codex"]),
    "gemini": ("gemini", drive.EVENTS["gemini"]),
    "copilot": ("copilot", drive.EVENTS["copilot"]),
    "copilot-pascal": ("copilot", ["SessionStart", "UserPromptSubmit", "PreToolUse",
                                   "PostToolUse", "Stop", "SessionEnd"]),
}
PRE = {"claude": "PreToolUse", "codex": "PreToolUse", "gemini": "BeforeTool",
       "copilot": "preToolUse", "copilot-pascal": "PreToolUse"}
POST = {"claude": "PostToolUse", "codex": "PostToolUse", "gemini": "AfterTool",
        "copilot": "postToolUse", "copilot-pascal": "PostToolUse"}
STOP = {"claude": "Stop", "codex": "Stop", "gemini": "AfterAgent", "copilot": "agentStop",
        "copilot-pascal": "Stop"}
START = {"claude": "SessionStart", "codex": "SessionStart", "gemini": "SessionStart",
         "copilot": "sessionStart", "copilot-pascal": "SessionStart"}
PROMPT_EV = {"claude": "UserPromptSubmit", "codex": "UserPromptSubmit",
             "gemini": "BeforeAgent", "copilot": "userPromptSubmitted",
             "copilot-pascal": "UserPromptSubmit"}

STEPS = [{"tool": "write", "path": "foo.txt", "content": "x\n"},
         {"tool": "shell", "command": "echo x > bar.txt"},
         {"text": "done"}]
PROMPT = "Create foo.txt containing x, then run: echo x > bar.txt"
REASON = "held by alice"
MAIL = "you have unread mail"

DENY_FORMATS = {
    "hso": json.dumps({"hookSpecificOutput": {"hookEventName": "PreToolUse",
                                              "permissionDecision": "deny",
                                              "permissionDecisionReason": REASON}}),
    "flat_decision_deny": json.dumps({"decision": "deny", "reason": REASON}),
    "flat_permission": json.dumps({"permissionDecision": "deny",
                                   "permissionDecisionReason": REASON}),
    "flat_decision_block": json.dumps({"decision": "block", "reason": REASON}),
    "exit2": None,  # exit 2 with the reason on stderr
    # Claude-style deny plus the legacy/Gemini top-level decision
    "hso_plus_decision_block": json.dumps({
        "decision": "block", "reason": REASON,
        "hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny",
                               "permissionDecisionReason": REASON}}),
    # every field at once: does one output serve all vendors?
    "combined": json.dumps({"decision": "block", "reason": REASON,
                            "permissionDecision": "deny",
                            "permissionDecisionReason": REASON,
                            "hookSpecificOutput": {"hookEventName": "PreToolUse",
                                                   "permissionDecision": "deny",
                                                   "permissionDecisionReason": REASON}}),
}


def scrub(obj, work: Path, project: Path, home: Path):
    reps = [(str(project), "/tmp/proj"), (str(home), "/tmp/home"), (str(work), "/tmp/e2e"),
            (drive.DUMMY_KEY, "REDACTED")]
    # realpath variants too
    reps += [(str(p.resolve()), r) for p, r in ((project, "/tmp/proj"), (home, "/tmp/home"),
                                               (work, "/tmp/e2e"))]
    # Claude mangles the project path into ~/.claude/projects/<mangled>/
    reps += [(re.sub(r"[^A-Za-z0-9]", "-", str(project)), "-tmp-proj")]
    reps += [(str(HERE), "tests/e2e"), (sys.executable, "python3")]
    reps.sort(key=lambda x: -len(x[0]))

    def s(x):
        if isinstance(x, str):
            for a, b in reps:
                x = x.replace(a, b)
            return re.sub(r"roost-cap-[A-Za-z-]+-[A-Za-z0-9_]+", "e2e", x)
        if isinstance(x, (list, tuple)):
            return [s(i) for i in x]
        if isinstance(x, dict):
            return {s(k): s(v) for k, v in x.items()}
        return x
    return s(obj)


def trim_chain(chain: list) -> list:
    """Ancestors up to the CLI: stop at the harness's own python3 driver."""
    out = []
    for a in chain:
        if a[0] == "python3" and any("capture_fixtures" in x or "pytest" in x for x in a[1]):
            out.append(["python3", ["(e2e driver)"]])
            break
        out.append(a)
    return out


def tool_of(payload) -> str | None:
    if not isinstance(payload, dict):
        return None
    return payload.get("tool_name") or payload.get("toolName")


def driver_env_names(vendor: str, work: Path) -> set[str]:
    _, env = drive.prepare(vendor, work / "p", work / "h", 1, "x")
    return set(env)


def new_dir(tag: str) -> Path:
    return Path(tempfile.mkdtemp(prefix="roost-cap-%s-" % tag))


def run_variant(variant: str, hooks_for, steps=STEPS, prompt=PROMPT, timeout=120):
    vendor, events = VARIANTS[variant]
    work = new_dir(variant)
    hooklog = work / "hooks.jsonl"

    def hooks(project, home):
        ev = hooks_for(hooklog, work, events)
        drive.write_files(project, drive.hook_files(vendor, ev))
    r = drive.session(vendor, steps, prompt, work, hooks=hooks, timeout=timeout)
    return r, work, drive.read_jsonl(hooklog)


def find_token(requests, token):
    """First request containing token: (index, json path, snippet)."""
    def walk(x, path):
        if isinstance(x, str):
            if token in x:
                i = x.index(token)
                return path, x[max(0, i - 160): i + len(token) + 60]
        elif isinstance(x, list):
            for i, v in enumerate(x):
                f = walk(v, path + "[%d]" % i)
                if f:
                    return f
        elif isinstance(x, dict):
            for k, v in x.items():
                f = walk(v, path + "." + k)
                if f:
                    return f
        return None
    for n, rec in enumerate(requests):
        if rec.get("protocol") not in ("anthropic", "responses", "gemini"):
            continue
        body = rec.get("body")
        f = walk(body, "body")
        if f:
            m = re.match(r"body\.(messages|input|contents)\[(\d+)\]", f[0])
            role = None
            if m:
                el = body[m.group(1)][int(m.group(2))]
                role = "/".join(str(el.get(k)) for k in ("type", "role") if el.get(k))
            elif f[0].startswith("body.system"):
                role = "system"
            return {"request": n, "path": f[0], "role": role, "snippet": f[1]}
    return None


# ----------------------------------------------------------------------------


def capture(variant: str, out: dict):
    vendor, events = VARIANTS[variant]

    def hooks_for(log, work, evs):
        return {e: drive.record_cmd(log, variant, e) for e in evs}
    r, work, recs = run_variant(variant, hooks_for)
    project, home = r.project, r.home
    d = FIXTURES / variant
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    seen = {}
    mine = driver_env_names(vendor, work)
    env_names: set[str] = set()
    ancestry = None
    write_keys, shell_keys = {}, {}
    for rec in recs:
        ev = rec["event"]
        payload = rec["payload"] if rec["payload"] is not None else {"_raw": rec["raw"]}
        tool = tool_of(payload)
        name = ev + ("_" + re.sub(r"[^A-Za-z0-9_.-]", "_", tool) if tool else "")
        env_names |= set(rec["env_names"])
        if ancestry is None and ev in (PRE[variant],):
            ancestry = [a["comm"] for a in rec["ancestry"]]
            ancestry = ancestry[:ancestry.index("python3") + 1] if "python3" in ancestry else ancestry
            ancestry_argv = [(a["comm"], a["argv"]) for a in rec["ancestry"]]
        if tool and ev == PRE[variant]:
            ti = payload.get("tool_input", payload.get("toolArgs"))
            if isinstance(ti, str):
                try:
                    ti = {"(toolArgs is a JSON string)": sorted(json.loads(ti))}
                except ValueError:
                    ti = {"(string)": ti[:80]}
            keys = sorted(ti) if isinstance(ti, dict) else type(ti).__name__
            blob = json.dumps(payload)
            if "bar.txt" in blob:
                shell_keys[tool] = keys
            elif "foo.txt" in blob:
                write_keys[tool] = keys
        seen[name] = seen.get(name, 0) + 1
        if seen[name] == 1:
            (d / (name + ".json")).write_text(
                json.dumps(scrub(payload, work, project, home), indent=2, sort_keys=True)
                + "\n")
    added = sorted(env_names - mine)
    ids = env_relations(recs)
    out[variant] = {
        "version": drive.VERSIONS[vendor],
        "exit_code": r.exit_code, "elapsed_s": r.elapsed, "timed_out": r.timed_out,
        "foo_written": (project / "foo.txt").exists(), "bar_written": (project / "bar.txt").exists(),
        "events_fired": [rec["event"] + ("(%s)" % tool_of(rec["payload"]) if tool_of(rec["payload"]) else "")
                         for rec in recs],
        "events_configured": events,
        "events_not_fired": [e for e in events if e not in {x["event"] for x in recs}],
        "env_names_added_by_cli": added,
        "env_names_from_driver_seen": sorted(env_names & mine),
        "env_id_vars": ids,
        "ancestry_comm": ancestry,
        "ancestry_comm_argv": trim_chain(scrub(ancestry_argv, work, project, home)) if ancestry else None,
        "write_tool_input_keys": write_keys, "shell_tool_input_keys": shell_keys,
        "payload_top_keys": {rec["event"]: sorted(rec["payload"]) if isinstance(rec["payload"], dict) else None
                             for rec in recs},
        "model_requests": len([q for q in r.requests if q.get("protocol")]),
    }
    print("capture", variant, json.dumps(out[variant]["events_fired"]), r.elapsed, flush=True)
    shutil.rmtree(work, ignore_errors=True)


def env_relations(recs, ref=None) -> dict:
    """For identity-like env vars seen by the hooks: how their value relates to
    the payload (session id, cwd), or whether it is constant over the run."""
    rel: dict = {}
    for rec in recs:
        p = rec.get("payload") if isinstance(rec.get("payload"), dict) else (ref or {})
        sid = p.get("session_id") or p.get("sessionId")
        cwd = p.get("cwd")
        for k, v in (rec.get("env_ids") or {}).items():
            r = ("== payload session id" if sid and v == sid else
                 "== payload cwd" if cwd and v == cwd else
                 "constant" if v in ("1", "true", "cli", "sdk-cli", "claude-code") else
                 "other: " + v[:8] + "...")
            rel.setdefault(k, set()).add(r if not r.startswith("other") else "other")
    return {k: sorted(v) for k, v in rel.items()}


def agent_shell(variant: str, out: dict):
    """What a process started by the agent's own shell tool sees: env names,
    identity vars (relation to the hook payload's session id), ancestry."""
    vendor, events = VARIANTS[variant]
    work = new_dir(variant)
    log = work / "hooks.jsonl"
    pre = PRE[variant]
    steps = [{"tool": "shell", "command": drive.record_cmd(log, variant, "AGENT_SHELL")
              + " </dev/null"}, {"text": "done"}]
    r = drive.session(vendor, steps, "run the recorder", work,
                      hooks={pre: drive.record_cmd(log, variant, pre)} if vendor != "copilot"
                      else drive.hook_files(vendor, {pre: drive.record_cmd(log, variant, pre)}),
                      # Copilot refuses shell commands naming paths outside the
                      # project and the temp dir (record_hook.py lives in the repo)
                      extra_args=["--allow-all-paths"] if vendor == "copilot" else (),
                      timeout=90)
    recs = drive.read_jsonl(log)
    hook = next((x for x in recs if x["event"] == pre), None)
    sh = next((x for x in recs if x["event"] == "AGENT_SHELL"), None)
    mine = driver_env_names(vendor, work)
    res = {"exit_code": r.exit_code, "elapsed_s": r.elapsed, "shell_ran": bool(sh)}
    if sh:
        ref = hook["payload"] if hook else {}
        res["env_names_added_by_cli"] = sorted(set(sh["env_names"]) - mine)
        res["env_names_from_driver_missing"] = sorted(mine - set(sh["env_names"]))
        res["env_id_vars"] = env_relations([dict(sh, payload=ref)])
        res["ancestry_comm_argv"] = trim_chain(scrub([(a["comm"], a["argv"]) for a in sh["ancestry"]],
                                                     work, r.project, r.home))
    if hook and sh:
        hp = [a["pid"] for a in hook["ancestry"]]
        common = next((a for a in sh["ancestry"] if a["pid"] in hp), None)
        res["nearest_common_ancestor"] = scrub(
            {"comm": common["comm"], "argv": common["argv"],
             "hops_from_hook": hp.index(common["pid"]) + 1,
             "hops_from_shell_process": [a["pid"] for a in sh["ancestry"]].index(common["pid"]) + 1},
            work, r.project, r.home) if common else None
    if hook:
        res["hook_ancestry_comm_argv"] = trim_chain(scrub([(a["comm"], a["argv"]) for a in hook["ancestry"]],
                                                          work, r.project, r.home))
        res["hook_env_id_vars"] = env_relations([hook])
    out[variant] = res
    print("agent_shell", variant, json.dumps(res)[:400], flush=True)
    shutil.rmtree(work, ignore_errors=True)


def deny(variant: str, out: dict):
    res = {}
    for fmt, js in DENY_FORMATS.items():
        def hooks_for(log, work, evs, js=js):
            ev = PRE[variant]
            if js is None:
                cmd = drive.record_cmd(log, variant, ev, "--respond-stderr", REASON, "--exit", "2")
            else:
                cmd = drive.record_cmd(log, variant, ev, "--respond", js)
            return {ev: cmd}
        r, work, recs = run_variant(variant, hooks_for)
        found = find_token(r.requests, REASON)
        res[fmt] = {
            "json": js, "exit_code": r.exit_code, "elapsed_s": r.elapsed,
            "timed_out": r.timed_out,
            "hook_calls": len(recs),
            "foo_written": (r.project / "foo.txt").exists(),
            "bar_written": (r.project / "bar.txt").exists(),
            "reason_reached_model": bool(found),
            "seen_by_model": scrub(found, work, r.project, r.home) if found else None,
        }
        print("deny", variant, fmt, {k: res[fmt][k] for k in ("foo_written", "bar_written",
                                                             "reason_reached_model")}, flush=True)
        shutil.rmtree(work, ignore_errors=True)
    out[variant] = res


def stop(variant: str, out: dict):
    res = {}
    fmts = {"decision_block": json.dumps({"decision": "block", "reason": MAIL})}
    if variant == "gemini":
        fmts["decision_deny"] = json.dumps({"decision": "deny", "reason": MAIL})
    if variant.startswith("copilot"):
        fmts["hso_block"] = json.dumps({"hookSpecificOutput": {"hookEventName": STOP[variant]},
                                        "decision": "block", "reason": MAIL})
    for fmt, js in fmts.items():
        def hooks_for(log, work, evs, js=js):
            ev = STOP[variant]
            return {ev: drive.record_cmd(log, variant, ev, "--respond", js,
                                         "--once", str(work / "stop.marker"),
                                         "--unless-stop-active")}
        r, work, recs = run_variant(variant, hooks_for, steps=[{"text": "done"}],
                                    prompt="say done", timeout=90)
        found = find_token(r.requests, MAIL)
        res[fmt] = {
            "json": js, "exit_code": r.exit_code, "elapsed_s": r.elapsed,
            "timed_out": r.timed_out, "stop_hook_calls": len(recs),
            "stop_hook_active_values": [
                (p or {}).get("stop_hook_active", (p or {}).get("stopHookActive"))
                for p in (x["payload"] for x in recs)],
            "model_requests": len([q for q in r.requests if q.get("protocol")]),
            "reason_reached_model": bool(found),
            "seen_by_model": scrub(found, work, r.project, r.home) if found else None,
        }
        print("stop", variant, fmt, {k: res[fmt][k] for k in ("stop_hook_calls", "model_requests",
                                                             "reason_reached_model", "exit_code")},
              flush=True)
        shutil.rmtree(work, ignore_errors=True)
    out[variant] = res


def context(variant: str, out: dict):
    res = {}
    vendor_ev = {"start": START[variant], "prompt": PROMPT_EV[variant],
                 "posttool": POST[variant], "pretool": PRE[variant]}
    for where, ev in vendor_ev.items():
        # hookEventName as the Claude-style name that matches the event
        hso_name = ev[0].upper() + ev[1:]
        fmts = {
            "hso": lambda tok, ev=hso_name: json.dumps(
                {"hookSpecificOutput": {"hookEventName": ev, "additionalContext": tok}}),
            "hso_UserPromptSubmit": lambda tok: json.dumps(
                {"hookSpecificOutput": {"hookEventName": "UserPromptSubmit",
                                        "additionalContext": tok}}),
            "flat": lambda tok: json.dumps({"additionalContext": tok}),
            "combined": lambda tok, ev=hso_name: json.dumps(
                {"additionalContext": tok,
                 "hookSpecificOutput": {"hookEventName": ev, "additionalContext": tok}}),
            "plain": lambda tok: tok + "\n",
        }
        if ev == "UserPromptSubmit" or where in ("posttool", "pretool"):
            fmts.pop("hso_UserPromptSubmit")
        for fmt, make in fmts.items():
            tok = "ROOST-CONTEXT-%s-%s" % (where.upper(), fmt.upper().replace("_", ""))
            js = make(tok)

            def hooks_for(log, work, evs, ev=ev, js=js):
                return {ev: drive.record_cmd(log, variant, ev, "--respond", js)}
            steps = STEPS if where in ("posttool", "pretool") else [{"text": "done"}]
            r, work, recs = run_variant(variant, hooks_for, steps=steps,
                                        prompt="say done", timeout=90)
            found = find_token(r.requests, tok)
            model_reqs = [q for q in r.requests if q.get("protocol") in
                          ("anthropic", "responses", "gemini")]
            res["%s/%s" % (ev, fmt)] = {
                "copies_in_last_request": json.dumps(model_reqs[-1].get("body")).count(tok)
                if model_reqs else 0,
                "output": js, "exit_code": r.exit_code, "elapsed_s": r.elapsed,
                "hook_calls": len(recs),
                "reached_model": bool(found),
                "seen_by_model": scrub(found, work, r.project, r.home) if found else None,
                "files_written": [f for f in ("foo.txt", "bar.txt") if (r.project / f).exists()],
            }
            print("context", variant, ev, fmt, len(recs), bool(found), flush=True)
            shutil.rmtree(work, ignore_errors=True)
    out[variant] = res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vendors", default=",".join(VARIANTS))
    ap.add_argument("--only", default="capture,agent_shell,deny,stop,context")
    ap.add_argument("--out", default=str(FIXTURES / "observed.json"))
    a = ap.parse_args()
    drive.cli_paths()  # installs when missing
    variants = a.vendors.split(",")
    outp = Path(a.out)
    data = json.loads(outp.read_text()) if outp.exists() else {}
    data["versions"] = drive.VERSIONS
    t0 = time.time()
    for part in a.only.split(","):
        fn = {"capture": capture, "agent_shell": agent_shell, "deny": deny, "stop": stop, "context": context}[part]
        sect = data.setdefault(part, {})
        for v in variants:
            fn(v, sect)
            outp.parent.mkdir(parents=True, exist_ok=True)
            outp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    print("total %.1fs" % (time.time() - t0))


if __name__ == "__main__":
    main()
