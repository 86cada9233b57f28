"""Load-tests a release build of Atrium with wrk and reports figures against the budgets.

Usage: scripts/bench [--write] [--runs N] [--seconds S]   (see scripts/bench)
"""

import argparse
import base64
import gzip
import hashlib
import hmac
import json
import os
import platform
import random
import re
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

PORT = 3300
EVENTS_PER_BATCH = 50
BASE = f"http://127.0.0.1:{PORT}"
ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "atrium-demo-2026"


def start_server(binary, site_root, data_dir):
    env = dict(os.environ)
    env.update(
        ATRIUM_DATABASE__URL=f"sqlite://{data_dir}/bench.db",
        ATRIUM_SECRETS__KEY_FILE=f"{data_dir}/server.key",
        ATRIUM_HTTP__LISTEN=f"127.0.0.1:{PORT}",
        ATRIUM_HTTP__SITE_ROOT=str(site_root),
        # The fan-out client opens every connection with one person's cookie.
        ATRIUM_HTTP__LIVE_CONNECTIONS_PER_PERSON="100000",
        # The event load comes from one address; its per-address budget is not under test.
        ATRIUM_WIDGETS__EVENT_BATCHES_PER_MINUTE_PER_IP="1000000000",
        ATRIUM_LOG__FILTER="error",
    )
    server = subprocess.Popen([binary, "serve", "--demo"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{BASE}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    sys.exit("the server did not start")


def sign_in(email, password):
    data = f"email={email}&password={password}".encode()
    request = urllib.request.Request(
        f"{BASE}/rpc/sign_in", data=data, headers={"Accept": "application/json", "Origin": BASE}
    )
    with urllib.request.urlopen(request) as response:
        cookie = response.headers["Set-Cookie"].split(";")[0]
    return cookie


def rpc(cookie, endpoint, fields):
    """Calls a server function the way the browser's forms do, and returns its JSON answer."""
    request = urllib.request.Request(
        f"{BASE}/rpc/{endpoint}",
        data=urllib.parse.urlencode(fields).encode(),
        headers={"Accept": "application/json", "Origin": BASE, "Cookie": cookie},
    )
    try:
        with urllib.request.urlopen(request) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        sys.exit(f"{endpoint} answered {error.code}: {error.read().decode()}")
    return json.loads(body) if body else None


def totp(secret):
    """The authenticator app's current code (RFC 6238: SHA-1, 6 digits, 30 s steps)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def console_session(email, password):
    """A super admin's session that may use the console: it is closed to super admins
    without two-factor sign-in, so the demo's super admin sets up an authenticator first."""
    cookie = sign_in(email, password)
    setup = rpc(cookie, "start_totp_setup", {})
    rpc(cookie, "confirm_totp_setup", {"code": totp(setup["secret"])})
    return cookie


def api_token(admin, owner):
    """An API token for Acme at a rate the load can use: the super admin moves Acme to the
    Enterprise plan with 1,000,000 requests a minute per token and no monthly call limit
    (so what is measured is the limiter and the metering passing, not refusing), then Olivia
    confirms it is her and makes a `members:read` token, as on Account → Security."""
    rpc(admin, "edit_plan", {
        "tier": "enterprise", "price": "499.00", "currency": "usd", "api_requests_per_minute": "1000000",
        "limits[members]": "", "limits[widgets]": "", "limits[monthly_tokens]": "", "limits[monthly_api_calls]": "",
        **{f"features[{f}]": "on" for f in ("api_access", "webhooks", "custom_templates", "white_label", "priority_support")},
    })
    rpc(admin, "set_tenant_plan", {"slug": "acme", "tier": "enterprise"})
    rpc(owner, "confirm_identity", {"password": DEMO_PASSWORD})
    created = rpc(owner, "create_api_token", {
        "slug": "acme", "name": "bench", "scopes[members:read]": "on", "expires_in_days": "7",
    })
    return created["token"]


def seed_usage(db_path, events):
    """Loads `events` usage events for Acme over the last 60 days straight into the database
    (the server's own metering path takes one event per request, far too slow to load a
    million), with the daily roll-up and this month's counters the metering keeps, computed
    from those events by SQL. Formats are those the server writes: UUIDs as 16-byte blobs,
    times as RFC 3339, days as YYYY-MM-DD."""
    db = sqlite3.connect(db_path, timeout=30)
    tenant = db.execute("SELECT id FROM tenants WHERE slug = 'acme'").fetchone()[0]
    users = [str(uuid.UUID(bytes=row[0])) for row in db.execute(
        "SELECT user_id FROM memberships WHERE tenant_id = ?", (tenant,))] + [None]
    kinds = [("tokens", "groq"), ("tokens", "deepgram"), ("api_calls", None), ("tokens", "twilio"), ("tokens", None)]
    now = datetime.now(timezone.utc)
    rng = random.Random(7)

    def rows():
        for _ in range(events):
            metric, provider = rng.choice(kinds)
            at = now - timedelta(seconds=rng.randrange(60 * 86400))
            user = rng.choice(users)
            yield (tenant, uuid.UUID(user).bytes if user else None, metric, rng.randrange(1, 500),
                   "assistant" if metric == "tokens" else None, provider,
                   rng.randrange(0, 5) if provider else 0, at.isoformat(timespec="microseconds"))

    with db:
        db.execute("CREATE TEMP TABLE seeded (user_key TEXT, metric TEXT, quantity INTEGER, service TEXT,"
                   " provider TEXT, cost_minor INTEGER, occurred_at TEXT)")
        for row in rows():
            db.execute("INSERT INTO usage_events (tenant_id, user_id, metric, quantity, service, provider,"
                       " cost_minor, occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
            db.execute("INSERT INTO seeded VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (str(uuid.UUID(bytes=row[1])) if row[1] else "", *row[2:]))
        db.execute("""INSERT INTO usage_daily (tenant_id, day, metric, user_key, service, provider, quantity, cost_minor)
                      SELECT ?, substr(occurred_at, 1, 10), metric, user_key, coalesce(service, ''), coalesce(provider, ''),
                             sum(quantity), sum(cost_minor)
                      FROM seeded GROUP BY 2, 3, 4, 5, 6 ORDER BY 2, 3, 4, 5, 6
                      ON CONFLICT (tenant_id, day, metric, user_key, service, provider) DO UPDATE SET
                        quantity = usage_daily.quantity + excluded.quantity,
                        cost_minor = usage_daily.cost_minor + excluded.cost_minor""", (tenant,))
        db.execute("""INSERT INTO usage_counters (tenant_id, metric, period, used)
                      SELECT ?, metric, substr(occurred_at, 1, 7), sum(quantity) FROM seeded
                      WHERE substr(occurred_at, 1, 7) = ? GROUP BY metric
                      ON CONFLICT (tenant_id, metric, period) DO UPDATE SET used = usage_counters.used + excluded.used""",
                   (tenant, now.strftime("%Y-%m")))
    total = db.execute("SELECT count(*) FROM usage_events WHERE tenant_id = ?", (tenant,)).fetchone()[0]
    daily = db.execute("SELECT count(*) FROM usage_daily WHERE tenant_id = ?", (tenant,)).fetchone()[0]
    db.close()
    return total, daily


def seed_people(db_path, people, bulk):
    """Loads `people` accounts straight into the database (the sign-up path hashes a password
    per person, far too slow for 100,000), each a member of one of the demo workspaces with a
    role, a tenth of them deactivated; the last `bulk` of them share the domain
    `bulk.example`, for the bulk action. Formats are the server's: 16-byte UUIDs, RFC 3339."""
    db = sqlite3.connect(db_path, timeout=30)
    tenants = [row[0] for row in db.execute("SELECT id FROM tenants WHERE variant IN ('standard', 'enterprise') ORDER BY slug")]
    personas = db.execute("SELECT personas FROM users WHERE email = 'olivia@acme.example'").fetchone()[0]
    hash_ = db.execute("SELECT password_hash FROM users WHERE email = 'olivia@acme.example'").fetchone()[0]
    now = datetime.now(timezone.utc)
    roles = ["viewer", "consultant", "admin", "viewer"]

    def rows():
        for i in range(people):
            domain = "bulk.example" if i >= people - bulk else f"people{i % 50}.example"
            at = (now - timedelta(minutes=people - i)).isoformat(timespec="microseconds")
            yield (uuid.uuid4().bytes, f"person-{i}@{domain}", f"Bench Person {i}", hash_, personas,
                   "disabled" if i % 10 == 9 and domain != "bulk.example" else "active", at,
                   at if i % 3 else None, tenants[i % len(tenants)], roles[i % len(roles)])

    with db:
        for row in rows():
            db.execute("INSERT INTO users (id, email, name, password_hash, personas, status, created_at, last_sign_in_at)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row[:8])
            db.execute("INSERT INTO memberships (tenant_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
                       (row[8], row[0], row[9], row[6]))
    total = db.execute("SELECT count(*) FROM users").fetchone()[0]
    db.close()
    return total


def seed_platform_usage(db_path, events):
    """Adds `events` usage events across every workspace over the last year, generated by
    SQL in one statement, and the daily roll-ups and this month's counters computed from
    them — the platform-wide data the console's overview reads (roll-ups, never the events)."""
    db = sqlite3.connect(db_path, timeout=30)
    tenants = db.execute("SELECT count(*) FROM tenants").fetchone()[0]
    per_tenant = events // tenants
    with db:
        db.execute("CREATE TEMP TABLE added (tenant_id BLOB, metric TEXT, quantity INTEGER, occurred_at TEXT)")
        db.execute("""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                      INSERT INTO added
                      SELECT t.id, CASE n.i % 3 WHEN 0 THEN 'api_calls' ELSE 'tokens' END, 1 + n.i % 400,
                             strftime('%Y-%m-%dT%H:%M:%S', 'now', '-' || (n.i * 7919 % 31536000) || ' seconds') || '.000000+00:00'
                      FROM n CROSS JOIN tenants t""", (per_tenant,))
        db.execute("""INSERT INTO usage_events (tenant_id, user_id, metric, quantity, service, provider, cost_minor, occurred_at)
                      SELECT tenant_id, NULL, metric, quantity, NULL, NULL, 0, occurred_at FROM added""")
        db.execute("""INSERT INTO usage_daily (tenant_id, day, metric, user_key, service, provider, quantity, cost_minor)
                      SELECT tenant_id, substr(occurred_at, 1, 10), metric, '', '', '', sum(quantity), 0
                      FROM added GROUP BY 1, 2, 3
                      ON CONFLICT (tenant_id, day, metric, user_key, service, provider) DO UPDATE SET
                        quantity = usage_daily.quantity + excluded.quantity""")
        db.execute("""INSERT INTO usage_counters (tenant_id, metric, period, used)
                      SELECT tenant_id, metric, substr(occurred_at, 1, 7), sum(quantity) FROM added
                      WHERE substr(occurred_at, 1, 7) = strftime('%Y-%m', 'now') GROUP BY 1, 2
                      ON CONFLICT (tenant_id, metric, period) DO UPDATE SET used = usage_counters.used + excluded.used""")
    total = db.execute("SELECT count(*) FROM usage_events").fetchone()[0]
    daily = db.execute("SELECT count(*) FROM usage_daily").fetchone()[0]
    db.close()
    return total, daily


def timed(cookie, endpoint, fields, times):
    """Calls a server function `times` times in a row; the median and slowest time in ms
    (over loopback: the server's time plus well under a millisecond), and the last answer."""
    spent, answer = [], None
    for _ in range(times):
        started = time.perf_counter()
        answer = rpc(cookie, endpoint, fields)
        spent.append((time.perf_counter() - started) * 1000)
    return {"p50": statistics.median(spent), "max": max(spent), "answer": answer}


def people_form(**fields):
    names = ["q", "persona", "status", "tenant", "role", "signed_in", "two_factor", "sort", "after"]
    return {f"form[{name}]": fields.get(name, "") for name in names}


def console_bench(admin, db_path, people, bulk, events):
    """The console over a large platform: the people search and its pages over `people`
    accounts, a bulk action on `bulk` of them, and the overview over `events` usage events."""
    total_people = seed_people(db_path, people, bulk)
    rpc(admin, "get_people", people_form())  # warm the page cache
    searches = {
        "newest first, with the count": people_form(),
        "words in the email or name": people_form(q="person-4242"),
        "persona, status, role and sign-in filters, by name": people_form(persona="end_user", status="active", role="viewer", signed_in="never", sort="name"),
    }
    search = {label: timed(admin, "get_people", form, 20) for label, form in searches.items()}
    # Twenty pages in: each page continues after the last person of the one before.
    form, deep = people_form(), []
    for _ in range(20):
        started = time.perf_counter()
        page = rpc(admin, "get_people", form)
        deep.append((time.perf_counter() - started) * 1000)
        form = people_form(after=page["next"])
    search["page after page (20 in a row)"] = {"p50": statistics.median(deep), "max": max(deep), "answer": page}
    started = time.perf_counter()
    result = rpc(admin, "bulk_people", {**people_form(q="bulk.example"), "ids": "", "expected": str(bulk), "action": "deactivate"})
    bulk_ms = (time.perf_counter() - started) * 1000
    total_events, daily = seed_platform_usage(db_path, events)
    rpc(admin, "get_platform_overview", {})
    overview = timed(admin, "get_platform_overview", {}, 20)
    return {"people": total_people, "search": search, "bulk_ms": bulk_ms, "bulk": bulk, "bulk_result": result,
            "events": total_events, "daily": daily, "overview": overview}


def wrk(path, connections, seconds, headers, script=None):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script]
    out = subprocess.run(command + [f"{BASE}{path}"], capture_output=True, text=True, check=True).stdout

    def latency(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, socket.groups())) if socket else 0)
    return {"rps": rps, "p50": latency(50), "p99": latency(99), "errors": errors}


def demo_widget(db_path):
    """The demo's published lead form, and the visit its document is signed with on the local
    site it allows (as an embedding page's frame gets it)."""
    db = sqlite3.connect(db_path)
    blob = db.execute("SELECT id FROM widgets WHERE live_version IS NOT NULL ORDER BY created_at LIMIT 1").fetchone()[0]
    db.close()
    widget = str(uuid.UUID(bytes=bytes(blob)))
    request = urllib.request.Request(f"{BASE}/embed/{widget}", headers={
        "Referer": "http://localhost:8080/", "Sec-Fetch-Dest": "iframe"})
    html = urllib.request.urlopen(request, timeout=5).read().decode()
    visit = re.search(r'data-visit="([^"]+)"', html).group(1)
    return widget, visit


def event_script(data_dir, widget, visit, events):
    """A wrk script posting batches of `events` widget events."""
    batch = json.dumps({
        "visit": visit,
        "site": "http://localhost:8080",
        "events": [{"kind": "impression"}, {"kind": "load", "ms": 140}, {"kind": "interaction"}] * (events // 3)
                  + [{"kind": "impression"}] * (events % 3),
    })
    path = Path(data_dir) / "events.lua"
    path.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = {json.dumps(batch)}\n"
    )
    return str(path)


def widget_visible(widget, runs):
    out = subprocess.run(["node", str(ROOT / "scripts" / "widget-visible.mjs"), BASE, widget, str(runs)],
                         capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        sys.exit(f"widget-visible failed: {out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def sizes(path):
    data = path.read_bytes()
    return len(data), len(gzip.compress(data, 9)), len(brotli(data))


def brotli(data):
    result = subprocess.run(
        ["node", "-e", "process.stdout.write(require('zlib').brotliCompressSync(require('fs').readFileSync(0),"
         "{params:{[require('zlib').constants.BROTLI_PARAM_QUALITY]:11}}))"],
        input=data, capture_output=True, check=True)
    return result.stdout


def wasm_report(site_root):
    """The main file's sizes, and the heaviest page's: the route whose lazily loaded chunks
    weigh most (raw, read off the files), then compressed once each."""
    pkg = Path(site_root) / "pkg"
    main = sizes(pkg / "atrium.wasm")
    manifest = json.loads((pkg / "__wasm_split_manifest.json").read_text())
    raw = lambda chunks: sum((pkg / f"{chunk}.wasm").stat().st_size for chunk in chunks)
    route, chunks = max(manifest.items(), key=lambda item: raw(item[1]))
    total = [0, 0, 0]
    for chunk in chunks:
        for i, n in enumerate(sizes(pkg / f"{chunk}.wasm")):
            total[i] += n
    page = tuple(m + t for m, t in zip(main, total))
    return main, (route.strip("_").rsplit("_", 1)[0].replace("_route_view", ""), page)


def median(runs, key):
    return statistics.median(run[key] for run in runs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("site_root")
    parser.add_argument("--write", action="store_true", help="record the report in docs/benchmarks.md")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--fanout", help="the ws-fanout client binary")
    parser.add_argument("--clients", type=int, default=5000, help="WebSocket clients for the fan-out")
    parser.add_argument("--usage-events", type=int, default=1_000_000, help="usage events loaded for the usage page")
    parser.add_argument("--people", type=int, default=100_000, help="accounts loaded for the console's people search")
    parser.add_argument("--bulk", type=int, default=10_000, help="of them, people a bulk action deactivates")
    parser.add_argument("--platform-events", type=int, default=9_000_000, help="usage events added across the platform for the overview")
    args = parser.parse_args()
    # The fan-out holds a socket per client on both ends.
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    with tempfile.TemporaryDirectory() as data_dir:
        server = start_server(args.binary, args.site_root, data_dir)
        try:
            cookie = sign_in("olivia@acme.example", DEMO_PASSWORD)
            auth = [f"Cookie: {cookie}"]
            admin = console_session('admin@atrium.example', DEMO_PASSWORD)
            bearer = [f"Authorization: Bearer {api_token(admin, cookie)}"]
            # Warm up connections, caches and the SQLite page cache.
            wrk("/api/v1/tenants/acme/members", 64, 2, auth)
            wrk("/app/acme", 64, 2, auth + ["Accept: text/html"])
            wrk("/api/v1/tenants/acme/members", 64, 2, bearer)
            html = auth + ["Accept: text/html"]
            json_runs, same_runs, page_runs, center_runs, token_runs, usage_before = [], [], [], [], [], []
            for _ in range(args.runs):
                json_runs.append(wrk("/api/v1/tenants/acme/members", 256, args.seconds, auth))
                token_runs.append(wrk("/api/v1/tenants/acme/members", 256, args.seconds, bearer))
                same_runs.append(wrk("/api/v1/tenants/acme", 128, args.seconds, auth))
                page_runs.append(wrk("/app/acme", 128, args.seconds, html))
                center_runs.append(wrk("/app/acme/command-center", 128, args.seconds, html))
                usage_before.append(wrk("/app/acme/billing", 128, args.seconds, html))
            seeded, daily_rows = seed_usage(f"{data_dir}/bench.db", args.usage_events)
            wrk("/app/acme/billing", 64, 2, html)
            usage_after = [wrk("/app/acme/billing", 128, args.seconds, html) for _ in range(args.runs)]
            widget, visit = demo_widget(f"{data_dir}/bench.db")
            script = event_script(data_dir, widget, visit, EVENTS_PER_BATCH)
            wrk(f"/api/v1/widgets/{widget}/events", 32, 2, [], script)
            event_runs = [wrk(f"/api/v1/widgets/{widget}/events", 64, args.seconds, [], script) for _ in range(args.runs)]
            embed_runs = [wrk(f"/embed/{widget}", 128, args.seconds, ["Referer: http://localhost:8080/", "Sec-Fetch-Dest: iframe"])
                          for _ in range(args.runs)]
            visible = widget_visible(widget, 10)
            console = console_bench(admin, f"{data_dir}/bench.db", args.people, args.bulk, args.platform_events)
            rss_kb = int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{server.pid}/status").read_text()).group(1))
            fanout = None
            if args.fanout:
                out = subprocess.run(
                    [args.fanout, BASE, cookie, "acme", str(args.clients), str(server.pid)],
                    capture_output=True, text=True, timeout=300,
                )
                if out.returncode != 0:
                    sys.exit(f"ws-fanout failed: {out.stderr}")
                fanout = json.loads(out.stdout.strip().splitlines()[-1])
        finally:
            server.terminate()
            server.wait()

    ratios = [p["rps"] / j["rps"] for j, p in zip(same_runs, page_runs)]
    (main_raw, main_gz, main_br), (page_name, (page_raw, page_gz, page_br)) = wasm_report(args.site_root)
    kb = lambda n: f"{n / 1024:.0f} KB"
    ok = lambda good: "✅" if good else "❌"

    json_rps, json_p99 = median(json_runs, "rps"), median(json_runs, "p99")
    page_rps, page_p99 = median(page_runs, "rps"), median(page_runs, "p99")
    ratio = statistics.median(ratios)
    errors = sum(r["errors"] for r in json_runs + same_runs + page_runs + center_runs + token_runs + usage_before + usage_after
                 + event_runs + embed_runs)
    events_per_second = median(event_runs, "rps") * EVENTS_PER_BATCH
    loader = [sizes(Path(args.site_root) / name) for name in ("embed.js", "embed-frame.js")]
    loader_gz = sum(gz for _, gz, _ in loader)
    token_rps, token_p99 = median(token_runs, "rps"), median(token_runs, "p99")
    usage_rps, usage_p99 = median(usage_after, "rps"), median(usage_after, "p99")
    center_rps, center_p99 = median(center_runs, "rps"), median(center_runs, "p99")
    if fanout:
        fan_ok = fanout["received"] == fanout["clients"] and fanout["p99_ms"] <= 50 and (fanout["peak_rss_mb"] or 0) <= 300
        fanout_row = (
            f"| Real time: one event to {fanout['clients']:,} WebSocket clients (`ws-fanout`, same machine; from the request that causes it to each receipt) "
            f"| {fanout['received']:,} of {fanout['clients']:,} received · p50 {fanout['p50_ms']:.1f} ms · p99 {fanout['p99_ms']:.1f} ms · max {fanout['max_ms']:.1f} ms · "
            f"server RSS {fanout['rss_mb']:.0f} MB with all connected (peak {fanout['peak_rss_mb']:.0f} MB) · connecting took {fanout['connect_seconds']:.1f} s "
            f"| p99 ≤ 50 ms · RSS ≤ 300 MB | {ok(fan_ok)} |\n"
        )
    else:
        fanout_row = ""
    search_rows = "".join(
        f"| Console people search over {console['people']:,} accounts: {label} (`get_people`, one person's session in a row, 20 calls) "
        f"| p50 {r['p50']:.1f} ms · slowest {r['max']:.1f} ms ({r['answer']['total']:,} match) | ≤ 50 ms | {ok(r['max'] <= 50)} |\n"
        for label, r in console["search"].items()
    )
    outcome = console["bulk_result"]
    console_rows = search_rows + (
        f"| Console bulk action: deactivate everyone a search matches ({console['bulk']:,} people; `bulk_people`, one call) "
        f"| {console['bulk_ms'] / 1000:.2f} s ({outcome['changed']:,} changed, {outcome['skipped']:,} skipped) | ≤ 5 s | {ok(console['bulk_ms'] <= 5000)} |\n"
        f"| Console overview over {console['events']:,} usage events ({console['daily']:,} daily roll-up rows; `get_platform_overview`, 20 calls) "
        f"| p50 {console['overview']['p50']:.1f} ms · slowest {console['overview']['max']:.1f} ms | ≤ 50 ms | {ok(console['overview']['max'] <= 50)} |\n"
    )
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name")), platform.machine())

    report = f"""## Latest run

{datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")} · {os.cpu_count()} cores ({cpu}) · SQLite · wrk on the same machine over loopback · median of {args.runs} runs of {args.seconds} s each, the loads alternating.

| what | measured | budget | |
|---|---|---|---|
| JSON read `GET /api/v1/tenants/acme/members` (session and membership from the access cache, one indexed query), 256 connections | {json_rps:,.0f} req/s · p50 {median(json_runs, "p50"):.2f} ms · p99 {json_p99:.2f} ms | ≥ 15,000 req/s · p99 ≤ 10 ms | {ok(json_rps >= 15000 and json_p99 <= 10)} |
| Dashboard page `GET /app/acme` (auth + reads + server render), 128 connections | {page_rps:,.0f} pages/s · p50 {median(page_runs, "p50"):.2f} ms · p99 {page_p99:.2f} ms | ≥ 5,000 pages/s · p99 ≤ 20 ms | {ok(page_rps >= 5000 and page_p99 <= 20)} |
| The same data as JSON, `GET /api/v1/tenants/acme`, 128 connections | {median(same_runs, "rps"):,.0f} req/s · p99 {median(same_runs, "p99"):.2f} ms | — | |
| The same read with an API token (`Authorization: Bearer`: token lookup, scope and role check, the plan's per-token rate limiter, batched API-call metering), 256 connections | {token_rps:,.0f} req/s · p50 {median(token_runs, "p50"):.2f} ms · p99 {token_p99:.2f} ms | ≥ 15,000 req/s · p99 ≤ 10 ms (the JSON-read budget) | {ok(token_rps >= 15000 and token_p99 <= 10)} |
| Plan & usage page `GET /app/acme/billing` over {seeded:,} usage events ({daily_rows:,} daily roll-up rows; meters, 30-day history, cost by provider, plans, credits, invoices), 128 connections | {usage_rps:,.0f} pages/s · p50 {median(usage_after, "p50"):.2f} ms · p99 {usage_p99:.2f} ms (before the events were loaded: {median(usage_before, "rps"):,.0f} pages/s · p99 {median(usage_before, "p99"):.2f} ms) | ≥ 5,000 pages/s · p99 ≤ 20 ms | {ok(usage_rps >= 5000 and usage_p99 <= 20)} |
| Command center page `GET /app/acme/command-center` (three panels: sessions, queue, analytics), 128 connections | {center_rps:,.0f} pages/s · p50 {median(center_runs, "p50"):.2f} ms · p99 {center_p99:.2f} ms | ≥ 5,000 pages/s · p99 ≤ 20 ms | {ok(center_rps >= 5000 and center_p99 <= 20)} |
| Page ÷ JSON for the same data, same run | {ratio:.2f} (runs: {", ".join(f"{r:.2f}" for r in ratios)}) | ≥ 0.35 | {ok(ratio >= 0.35)} |
| Widget event ingestion `POST /api/v1/widgets/{{id}}/events`, batches of {EVENTS_PER_BATCH} (visit check, live version, one roll-up transaction per batch), 64 connections | {events_per_second:,.0f} events/s ({median(event_runs, "rps"):,.0f} batches/s · p99 {median(event_runs, "p99"):.2f} ms) | ≥ 10,000 events/s, batched | {ok(events_per_second >= 10000)} |
| Embedded widget document `GET /embed/{{id}}` (visitor check, signed visit, server render), 128 connections | {median(embed_runs, "rps"):,.0f} docs/s · p99 {median(embed_runs, "p99"):.2f} ms | — | |
| Widget loader on a host page (`embed.js` + `embed-frame.js`) | {kb(sum(r for r, _, _ in loader))} raw · {loader_gz / 1024:.1f} KB gzip | ≤ 5 KB gzip | {ok(loader_gz <= 5 * 1024)} |
| Widget visible on a host page (Chromium, cold cache, median of {visible["runs"]}; from the host page's navigation start to the widget's frame painted at its size) | {visible["visible_ms"]:.0f} ms (slowest {visible["max_visible_ms"]:.0f} ms; the host page's load event at {visible["load_ms"]:.0f} ms) | ≤ 300 ms | {ok(visible["visible_ms"] <= 300)} |
| Errors (non-2xx, socket) during all runs | {errors} | 0 | {ok(errors == 0)} |
| Server memory after the runs (RSS) | {rss_kb / 1024:.0f} MB | — | |
{fanout_row}{console_rows}| First-load WebAssembly (`atrium.wasm`) | {kb(main_raw)} raw · {kb(main_gz)} gzip · {kb(main_br)} brotli | ≤ 250 KB brotli (≤ 300 KB gzip) | {ok(main_br <= 250 * 1024 and main_gz <= 300 * 1024)} |
| Heaviest page with its lazily loaded chunks ({page_name}) | {kb(page_raw)} raw · {kb(page_gz)} gzip · {kb(page_br)} brotli | — | |
"""
    print(report)
    if args.write:
        path = ROOT / "docs" / "benchmarks.md"
        text = path.read_text()
        start = text.index("## Latest run")
        end = text.find("\n## ", start + 1)
        path.write_text(text[:start] + report.rstrip() + "\n" + (text[end:] if end != -1 else ""))
        print(f"recorded in {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
