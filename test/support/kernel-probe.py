"""
Sends crafted first packets from two network namespaces and reports which ones a netfilter ruleset let through.

Called by test/support/kernel-probes.ts as `python3 kernel-probe.py <probes.json>` from the root namespace. The
JSON holds the namespace names, their link names and the probes: {"peer", "workload", "links": {"peer",
"workload"}, "probes": [{"id", "direction", "family",
"protocol", "src", "dst", "srcPort"?, "dstPort"?, "type"?, "code"?, "tcpFlags"?}]}. Inbound probes are sent by the peer to the
workload, outbound ones by the workload. Each carries DSCP 8 and its id (IPv4 identification, IPv6 flow label);
an observer table in the workload (hooks input and output at priority 1000, after every filter chain) records the
ids that got past filtering. Printed: {"in": [ids], "out": [ids]}.

Raw IPPROTO_RAW sockets: we write the whole IP header, so any source address, ICMP type and TCP flag set can be
sent, and compute every checksum ourselves (conntrack checks them on input and calls a bad one INVALID).
"""
import ctypes
import json
import os
import socket
import struct
import subprocess
import sys
import time

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def enter(name):
    fd = os.open(f"/run/netns/{name}", os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), f"setns {name}")
    os.close(fd)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


BAD_CHECKSUM = False


def with_checksum(header, offset, pseudo, transport=True):
    value = checksum(pseudo + header) ^ (0x5555 if BAD_CHECKSUM and transport else 0)
    return header[:offset] + struct.pack("!H", value) + header[offset + 2:]


def transport(probe, src, dst, pseudo_for):
    protocol = probe["protocol"]
    if protocol == 6:
        # A SYN by default: what a client sends first (the model's TCP first packet); "tcpFlags" sends another segment.
        segment = struct.pack("!HHIIBBHHH", probe["srcPort"], probe["dstPort"], 0x1000 + probe["id"], 0, 5 << 4, probe.get("tcpFlags", 0x02), 64240, 0, 0)
        return with_checksum(segment, 16, pseudo_for(len(segment)))
    if protocol == 17:
        payload = b"probe"
        datagram = struct.pack("!HHHH", probe["srcPort"], probe["dstPort"], 8 + len(payload), 0) + payload
        return with_checksum(datagram, 6, pseudo_for(len(datagram)))
    if protocol in (1, 58):
        kind, code = probe["type"], probe["code"]
        if (protocol == 1 and kind in (0, 8, 13, 14, 15, 16, 17, 18)) or (protocol == 58 and kind in (128, 129, 139, 140)):
            body = struct.pack("!HH", probe["id"] & 0xFFFF, 1) + b"probe-echo"
        elif protocol == 58 and kind in (135, 136, 137):
            body = b"\0" * 4 + dst + (dst if kind == 137 else b"")
        elif protocol == 58 and kind in (130, 131, 132):
            body = struct.pack("!HH", 0, 0) + b"\0" * 16
        elif protocol == 58 and kind == 143:
            body = b"\0" * 4
        elif protocol == 58 and kind in (133, 134):
            body = b"\0" * (4 if kind == 133 else 12)
        elif protocol == 58 and kind in (141, 142, 148, 149, 151, 152, 153):
            # Inverse ND, SEND certification path, multicast router discovery: a reserved word (and an identifier).
            body = b"\0" * 4
        else:
            # An error about a datagram the receiver supposedly sent (none was: unsolicited).
            if protocol == 1:
                inner = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, 0, 0, 64, 17, 0, dst, src) + struct.pack("!HHHH", 40000, 53, 8, 0)
            else:
                inner = struct.pack("!IHBB16s16s", 6 << 28, 8, 17, 64, dst, src) + struct.pack("!HHHH", 40000, 53, 8, 0)
            body = b"\0" * 4 + inner
        message = struct.pack("!BBH", kind, code, 0) + body
        return with_checksum(message, 2, pseudo_for(len(message)) if protocol == 58 else b"")
    # GRE version 0 (or any other protocol): a minimal header; conntrack tracks it generically.
    return b"\0" * 4


LINK_LOCAL_HOP_LIMITS = {**{kind: 255 for kind in (133, 134, 135, 136, 137, 141, 142, 148, 149)}, **{kind: 1 for kind in (130, 131, 132, 143, 151, 152, 153)}}


def packet(probe):
    # "badChecksum": a wrong TCP/UDP/ICMP/ICMPv6 checksum (the IP header's stays right, or the packet would not arrive).
    global BAD_CHECKSUM
    BAD_CHECKSUM = probe.get("badChecksum", False)
    if probe["family"] == "ipv4":
        src, dst = socket.inet_pton(socket.AF_INET, probe["src"]), socket.inet_pton(socket.AF_INET, probe["dst"])
        pseudo = lambda length: src + dst + struct.pack("!BBH", 0, probe["protocol"], length)
        body = transport(probe, src, dst, pseudo)
        header = struct.pack("!BBHHHBBH4s4s", 0x45, 8 << 2, 20 + len(body), probe["id"], 0, 64, probe["protocol"], 0, src, dst)
        return with_checksum(header, 10, b"", transport=False) + body
    src, dst = socket.inet_pton(socket.AF_INET6, probe["src"]), socket.inet_pton(socket.AF_INET6, probe["dst"])
    pseudo = lambda length: src + dst + struct.pack("!IxxxB", length, probe["protocol"])
    body = transport(probe, src, dst, pseudo)
    # The link-local control messages carry the hop limit their RFCs fix (src/targets/netfilter/common/hoplimit.ts:
    # 255 for neighbour discovery, 1 for MLD and router discovery); a receiver discards any other. Conntrack does not
    # care; `-m hl` rules (ufw's) do. Everything else gets Linux's default, 64.
    hops = LINK_LOCAL_HOP_LIMITS.get(probe.get("type"), 64) if probe["protocol"] == 58 else 64
    first_word = (6 << 28) | ((8 << 2) << 20) | (probe["id"] & 0xFFFFF)
    return struct.pack("!IHBB16s16s", first_word, len(body), probe["protocol"], hops, src, dst) + body


def observed(workload, direction):
    found = []
    for family in ("4", "6"):
        listing = subprocess.run(["nft", "-j", "list", "set", "inet", "twobs", f"{direction}{family}"], check=True, capture_output=True, text=True)
        for entry in json.loads(listing.stdout)["nftables"]:
            elements = entry.get("set", {}).get("elem", [])
            found += [(family, value) for value in elements]
    return found


def settled(workload, direction):
    # Packets cross the veth in softirq, later than sendto returns, and later still on a loaded machine: read the
    # observer sets until two reads 0.2 s apart agree (at least 0.3 s after the last send, at most 5 s).
    time.sleep(0.3)
    last = observed(workload, direction)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = observed(workload, direction)
        if now == last:
            return now
        last = now
    return last


def join_groups(probes, link):
    # The workload takes the multicast groups inbound probes go to, as a daemon listening there would (the kernel
    # delivers multicast only to a group some socket on the host joined). The sockets stay open while probes run.
    members = []
    index = socket.if_nametoindex(link)
    for probe in probes:
        if probe["direction"] != "in":
            continue
        if probe["family"] == "ipv4" and 224 <= int(probe["dst"].split(".")[0]) <= 239:
            member = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            request = socket.inet_aton(probe["dst"]) + struct.pack("@i", 0) + struct.pack("@i", index)
            member.setsockopt(socket.IPPROTO_IP, 35, request)  # IP_ADD_MEMBERSHIP with struct ip_mreqn
        elif probe["family"] == "ipv6" and probe["dst"].lower().startswith("ff"):
            member = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            member.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, socket.inet_pton(socket.AF_INET6, probe["dst"]) + struct.pack("@I", index))
        else:
            continue
        members.append(member)
    return members


def destination(probe, index):
    if probe["family"] == "ipv4":
        return (probe["dst"], 0)
    # Link-local and multicast destinations need the interface they leave by (its index in the sender's namespace).
    scoped = probe["dst"].lower().startswith(("fe8", "fe9", "fea", "feb", "ff"))
    return (probe["dst"], 0, 0, index if scoped else 0)


def forget_replies():
    # The workload answers some inbound probes itself (echo and timestamp replies, TCP resets) and copies the
    # probe's DSCP into the answer (icmp_reply, tcp_v4_send_reset), so the output observer records them too, keyed
    # by an IPv4 id or IPv6 flow label the kernel picks at random. One of those matching the id of a later outbound
    # probe the rules drop made that probe look passed (a Debian fixture run recorded 9 such ids in out4 and 16
    # in out6 after the inbound phase). They are all recorded by now: settled() waited until the inbound set stood
    # still, and the input observer records a probe before it is delivered and answered. The outbound probes draw
    # no answer from the host (the peer does not forward), so emptying the output sets here leaves only them.
    for family in ("4", "6"):
        subprocess.run(["nft", "flush", "set", "inet", "twobs", f"out{family}"], check=True)


def main():
    spec = json.load(open(sys.argv[1]))
    sockets = {}
    links = spec.get("links", {})
    indexes = {}
    members = []
    # On a router (spec "inside": the container side's namespace), outbound probes come from the inside namespace
    # and cross the workload's forward hook; on a host they leave the workload itself.
    sides = ("peer", "inside", "workload") if spec.get("inside") else ("peer", "workload")
    for side in sides:
        enter(spec[side])
        indexes[side] = socket.if_nametoindex(links[side]) if side in links else 0
        sockets[side] = {
            "ipv4": socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW),
            "ipv6": socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW),
        }
        # A DHCP client's DISCOVER goes to 255.255.255.255: a raw socket may send it only with SO_BROADCAST.
        sockets[side]["ipv4"].setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        if side == "workload" and "workload" in links:
            members = join_groups(spec["probes"], links["workload"])
    # Stay in the workload: the observer table is there.
    result = {}
    for direction in ("in", "out"):
        for probe in spec["probes"]:
            if probe["direction"] != direction:
                continue
            side = "peer" if direction == "in" else "inside" if spec.get("inside") else "workload"
            sender = sockets[side][probe["family"]]
            address = destination(probe, indexes[side])
            try:
                sender.sendto(packet(probe), address)
            except PermissionError:
                pass  # the workload's own output chain dropped it (sendto reports EPERM)
            time.sleep(0.0005)
        result[direction] = [f"{family}:{value}" for family, value in settled(spec["workload"], direction)]
        if direction == "in":
            forget_replies()
    print(json.dumps(result))


main()
