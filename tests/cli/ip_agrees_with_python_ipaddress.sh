#!/usr/bin/env bash
# Ranges, aggregation, subnets, host lists and the facts of blocks agree with Python's ipaddress
# module on a seeded set of random cases in both families (edges of the spaces included).
source "$(dirname "$0")/../lib/lib.sh"
need python3

cat >"$T/compare.py" <<'PY'
import ipaddress as ip, json, random, subprocess, sys

vitnet = sys.argv[1]
rnd = random.Random(20240501)
failures = []

def run(args, stdin=""):
    p = subprocess.run([vitnet, *args], input=stdin, capture_output=True, text=True, timeout=20)
    if p.returncode != 0:
        failures.append(f"vitnet {' '.join(args)}: exit {p.returncode}: {p.stderr.strip()}")
        return None
    return p.stdout

def same(what, got, want):
    if got == want:
        return
    if isinstance(got, list) and isinstance(want, list):
        i = next((i for i, (g, w) in enumerate(zip(got, want)) if g != w), min(len(got), len(want)))
        failures.append(f"{what}: line {i + 1}: vitnet {got[i:i + 3]}, python {want[i:i + 3]} "
                        f"({len(got)} and {len(want)} lines)")
    else:
        failures.append(f"{what}: vitnet {got!r}, python {want!r}")

def shown(x):
    # Python 3.13 prints IPv4-mapped addresses with a dotted tail (RFC 5952 section 5), as vitnet
    # does; older versions print hex groups.
    a = getattr(x, "network_address", x)
    if isinstance(a, ip.IPv6Address) and a.ipv4_mapped is not None:
        tail = f"/{x.prefixlen}" if hasattr(x, "prefixlen") else ""
        return f"::ffff:{a.ipv4_mapped}{tail}"
    return str(x)

def rand_addr(v6):
    bits = 128 if v6 else 32
    # Mostly small spans around aligned boundaries, sometimes anywhere, sometimes the edges.
    choice = rnd.random()
    if choice < 0.1:
        return rnd.choice([0, 2**bits - 1])
    return rnd.getrandbits(bits)

def addr(n, v6):
    return ip.IPv6Address(n) if v6 else ip.IPv4Address(n)

# Ranges become the fewest blocks.
ranges = []
for i in range(60):
    v6 = i % 2 == 1
    a = rand_addr(v6)
    b = a + rnd.getrandbits(rnd.choice([3, 9, 20])) if rnd.random() < 0.6 else rand_addr(v6)
    b = min(b, 2 ** (128 if v6 else 32) - 1)
    a, b = sorted((a, b))
    ranges.append((addr(a, v6), addr(b, v6)))
ranges.append((ip.IPv4Address("0.0.0.0"), ip.IPv4Address("255.255.255.255")))
ranges.append((ip.IPv6Address("::"), ip.IPv6Address("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")))
args = [f"{a}-{b}" for a, b in ranges]
out = run(["ip", *args])
if out is not None:
    want = [shown(n) for a, b in ranges for n in ip.summarize_address_range(a, b)]
    same("ranges", out.split(), want)
out = run(["--json", "ip", *args])
if out is not None:
    for obj, (a, b) in zip(json.loads(out), ranges):
        same(f"size of {a}-{b}", obj["size"], str(int(b) - int(a) + 1))

# Aggregation of a mixed list read from stdin.
for round_ in range(8):
    items, nets = [], []
    for _ in range(rnd.randint(1, 120)):
        v6 = rnd.random() < 0.4
        bits = 128 if v6 else 32
        base = rnd.getrandbits(12) << (bits - 12)  # clustered, so blocks meet and overlap
        prefix = rnd.randint(12, bits) if rnd.random() < 0.8 else rnd.randint(0, 12)
        n = ip.ip_network((addr(base | rnd.getrandbits(bits - 12), v6), prefix), strict=False)
        nets.append(n)
        items.append(str(n) if n.prefixlen != bits or rnd.random() < 0.5 else str(n.network_address))
    out = run(["ip", "--aggregate", "-"], "\n".join(items) + "\n")
    if out is not None:
        want = [shown(n) for v in (4, 6) for n in ip.collapse_addresses([x for x in nets if x.version == v])]
        same(f"aggregate round {round_}", out.split(), want)

# Subnets.
for text, new in [("10.0.0.0/24", 26), ("192.168.0.0/16", 24), ("2001:db8::/48", 56),
                  ("0.0.0.0/0", 4), ("::/0", 8), ("172.16.5.4/30", 32), ("2001:db8::/126", 128)]:
    out = run(["ip", "--split", str(new), text])
    if out is not None:
        want = [shown(n) for n in ip.ip_network(text, strict=False).subnets(new_prefix=new)]
        same(f"split {text} /{new}", out.split(), want)

# Hosts.
for text in ["192.168.0.0/29", "10.0.0.0/31", "10.0.0.9/32", "2001:db8::/125", "2001:db8::/127",
             "2001:db8::7/128", "100.64.0.0/22"]:
    out = run(["ip", "--hosts", text])
    if out is not None:
        same(f"hosts {text}", out.split(), [shown(h) for h in ip.ip_network(text).hosts()])

# Facts of blocks and addresses.
blocks = ["192.168.1.77/26", "10.0.0.0/8", "0.0.0.0/0", "203.0.113.9/30", "2001:db8:abcd::5/64",
          "::/0", "fe80::1/10", "::ffff:10.0.0.0/104"]
for _ in range(30):
    v6 = rnd.random() < 0.5
    bits = 128 if v6 else 32
    blocks.append(f"{addr(rnd.getrandbits(bits), v6)}/{rnd.randint(0, bits)}")
out = run(["--json", "ip", *blocks])
if out is not None:
    for obj, text in zip(json.loads(out), blocks):
        iface = ip.ip_interface(text)
        net = iface.network
        hosts = list(net.hosts()) if net.num_addresses <= 4 else None
        checks = {
            "address": shown(iface.ip),
            "network": shown(net),
            "prefix": net.prefixlen,
            "netmask": str(net.netmask),
            "size": str(net.num_addresses),
            "first": shown(net.network_address),
            "last": shown(net.broadcast_address),
            "reverse_dns": iface.ip.reverse_pointer,
        }
        if net.version == 4:
            checks["hostmask"] = str(net.hostmask)
            if net.prefixlen < 31:
                checks["broadcast"] = str(net.broadcast_address)
        if hosts is not None:
            checks["first_host"] = shown(hosts[0])
            checks["last_host"] = shown(hosts[-1])
            checks["host_count"] = str(len(hosts))
        elif net.version == 4:
            checks["first_host"] = str(net.network_address + 1)
            checks["last_host"] = str(net.broadcast_address - 1)
            checks["host_count"] = str(net.num_addresses - 2)
        else:
            checks["first_host"] = shown(net.network_address + 1)
            checks["host_count"] = str(net.num_addresses - 1)
        for key, want in checks.items():
            same(f"{key} of {text}", obj.get(key), want)

for f in failures:
    print(f, file=sys.stderr)
sys.exit(1 if failures else 0)
PY
python3 "$T/compare.py" "$VITNET" 2>"$ERR" || { show "$ERR"; fail "vitnet ip and python's ipaddress disagree"; }
