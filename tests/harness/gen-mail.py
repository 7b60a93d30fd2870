#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Deterministic sample-mail generator for the Mailpeek tests.

    gen-mail.py --out DIR [--seed S]            alice's ~25 realistic messages
    gen-mail.py --out DIR --count N [--seed S]  N small messages (the "big" mailbox)
    gen-mail.py --out DIR --encoded-words       header-only messages whose From and
                                                Subject are folded RFC 2047 encoded-words
    gen-mail.py --out DIR --rules-mail          messages for the rules tests: flagged as
                                                spam by the server, huge, with attachments,
                                                old, bulk-mailed, and an allow-listed one

Writes DIR/messages/<name> (LF line endings, as a maildir stores them),
DIR/manifest.json (a list in delivery order) and, for the samples, the same data as
a GKeyFile in DIR/manifest.ini (groups "message 0", "message 1", ...; attachments as
n_attachments and attachmentJ_name / _content_type / _size).  <name> is a maildir base name whose
timestamp grows with the index, so Dovecot numbers the messages in manifest order
and (with pop3_uidl_format = %g) reports <name> as the UIDL.

"size" in the manifest is what a POP3 server reports in LIST: the message with
CRLF line endings (file size + number of LF).  The harness self-test checks this
against Dovecot's real LIST output.

Only the Python standard library is used.
"""

import argparse
import base64
import datetime
import email.header
import io
import json
import os
import quopri
import random
import sys
import urllib.parse
import zipfile
import zlib
import struct

GEN_VERSION = 1
BASE_TIME = 1700000000

# ---------------------------------------------------------------- text pools

EN = [
    "Please find the quarterly figures attached to this message.",
    "The build server will be down for maintenance on Saturday morning.",
    "Could you review the pull request before the end of the week?",
    "Lunch is on me if the demo goes well tomorrow.",
    "The new office coffee machine finally works again.",
    "We moved the planning meeting to Thursday at half past ten.",
    "Remember to renew the certificate before it expires next month.",
    "The train was late again, so I will join the call from home.",
    "Thanks for the quick turnaround on the translation files.",
    "Attached are the photos from the team outing by the lake.",
    "The invoice number is missing from the last payment reminder.",
    "I have updated the wiki page with the new deployment steps.",
]

DE_FR = [
    "Grüße aus München und schönen Dank für die Blumen.",
    "Die Besprechung beginnt pünktlich um neun Uhr im großen Saal.",
    "Le café crème à la française coûte deux euros cinquante.",
    "Nous espérons vous revoir très bientôt à Genève, cher collègue.",
    "Äpfel, Öl und Süßigkeiten stehen auf der Einkaufsliste.",
    "Señor Muñoz llegará mañana por la tarde con los documentos.",
]

ZH = [
    "你好，这是一封测试邮件。",
    "会议纪要：下周三下午三点在大会议室开会。",
    "请查收附件中的季度报告。",
    "祝你生日快乐，天天开心！",
    "我们明天上午十点在北京见面。",
    "谢谢你的帮助，项目进展很顺利。",
]

WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod "
         "tempor incididunt ut labore et dolore magna aliqua enim ad minim veniam "
         "quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo "
         "consequat duis aute irure in reprehenderit voluptate velit esse cillum "
         "fugiat nulla pariatur excepteur sint occaecat cupidatat non proident "
         "sunt culpa qui officia deserunt mollit anim id est laborum").split()

SENDERS = [
    ("Bob Builder", "bob@example.com"),
    ("Carol Jones", "carol.jones@example.net"),
    ("Dave O'Brien", "dave@example.org"),
    ("Erin Walsh", "erin@mail.example.com"),
    ("Frank Miller", "frank.miller@example.co.uk"),
]

TO = "Alice Example <alice@example.test>"
TO_DISPLAY = "Alice Example <alice@example.test>"


# ---------------------------------------------------------------- encoders

def qp_word_bytes(raw):
    out = []
    for b in raw:
        c = chr(b)
        if b == 0x20:
            out.append("_")
        elif 0x21 <= b <= 0x7e and c not in "=?_\"(),.:;<>@[\\]":
            out.append(c)
        else:
            out.append("=%02X" % b)
    return "".join(out)


def encoded_words(text, charset, enc):
    """RFC 2047 encoded words (each <= 75 chars), never splitting a character."""
    words = []
    chunk = ""
    limit = 75 - len("=?%s?%s??=" % (charset, enc))

    def render(s):
        raw = s.encode(charset)
        if enc == "B":
            return base64.b64encode(raw).decode("ascii")
        return qp_word_bytes(raw)

    for ch in text:
        if chunk and len(render(chunk + ch)) > limit:
            words.append(chunk)
            chunk = ""
        chunk += ch
    if chunk:
        words.append(chunk)
    return "\n ".join("=?%s?%s?%s?=" % (charset, enc, render(w)) for w in words)


def wrap(text, width=72):
    lines = []
    for para in text.split("\n"):
        line = ""
        for word in para.split(" "):
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = word if not line else line + " " + word
        lines.append(line)
    return "\n".join(lines)


def b64_body(raw):
    return base64.encodebytes(raw).decode("ascii")


def qp_body(raw):
    # quopri leaves a bare '.' alone; that is fine (the server dot-stuffs).
    return quopri.encodestring(raw, quotetabs=False).decode("ascii")


def fmt_addr(name, addr, charset=None, enc="B"):
    if not name:
        return addr
    if charset:
        return "%s <%s>" % (encoded_words(name, charset, enc), addr)
    if any(c in name for c in ",.;:@\"'()<>[]"):
        return '"%s" <%s>' % (name.replace('"', '\\"'), addr)
    return "%s <%s>" % (name, addr)


# ---------------------------------------------------------------- binary blobs

def fake_pdf(rng, size):
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    body = bytes(rng.getrandbits(8) for _ in range(max(0, size - len(head) - 6)))
    return head + body + b"\n%%EOF"


def png_chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))


def tiny_png(rng, w=16, h=16):
    rows = b"".join(b"\x00" + bytes(rng.getrandbits(8) for _ in range(w * 3)) for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n"
            + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + png_chunk(b"IDAT", zlib.compress(rows, 9))
            + png_chunk(b"IEND", b""))


def small_zip(rng, text):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("notes.txt", date_time=(2024, 1, 2, 3, 4, 6))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, text)
        info = zipfile.ZipInfo("data.bin", date_time=(2024, 1, 2, 3, 4, 6))
        z.writestr(info, bytes(rng.getrandbits(8) for _ in range(2048)))
    return buf.getvalue()


# ---------------------------------------------------------------- message builder

class Msg:
    def __init__(self):
        self.from_name = ""
        self.from_addr = ""
        self.from_hdr = ""
        self.subject = ""
        self.subject_hdr = ""
        self.date = None
        self.message_id = ""
        self.attachments = []
        self.preview = ""
        self.body = ""          # everything after the header block (MIME structure)
        self.ctype_hdrs = []    # Content-* header lines of the top-level entity
        self.extra_hdrs = []


def paragraphs(rng, pool, n):
    return "\n\n".join(wrap(" ".join(rng.sample(pool, min(3, len(pool))))) for _ in range(n))


def filler(rng, nbytes):
    """Readable ASCII filler text of about nbytes bytes."""
    out = []
    total = 0
    while total < nbytes:
        line = wrap(" ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 90)))) + "\n"
        out.append(line + "\n")
        total += len(line) + 1
    return "".join(out)


def headers_text(m, idx, seed):
    d = m.date
    received_time = (d + datetime.timedelta(seconds=7)).strftime("%a, %d %b %Y %H:%M:%S %z")
    lines = [
        "Return-Path: <%s>" % m.from_addr,
        "Delivered-To: alice@example.test",
        "Received: from mx.example.net (mx.example.net [192.0.2.%d])\n"
        "\tby mail.example.test (Postfix) with ESMTPS id 4F%05dX\n"
        "\tfor <alice@example.test>; %s" % (10 + idx, idx * 7 + seed % 1000, received_time),
        "From: %s" % m.from_hdr,
        "To: %s" % TO,
        "Subject: %s" % m.subject_hdr,
        "Date: %s" % d.strftime("%a, %d %b %Y %H:%M:%S %z"),
        "Message-ID: <%s>" % m.message_id,
        "MIME-Version: 1.0",
    ]
    lines += m.extra_hdrs
    lines += m.ctype_hdrs
    return "\n".join(lines) + "\n"


def part(ctype_lines, body):
    return "\n".join(ctype_lines) + "\n\n" + body


def multipart(boundary, parts, preamble="This is a multi-part message in MIME format.\n"):
    out = preamble + "\n" if preamble else ""
    for p in parts:
        out += "--%s\n%s" % (boundary, p)
        if not p.endswith("\n"):
            out += "\n"
    out += "--%s--\n" % boundary
    return out


def attach(m, name_hdr_value, display_name, ctype, raw, disposition_param=None):
    """A base64 attachment part; name_hdr_value is the raw header parameter text."""
    m.attachments.append({"name": display_name, "content_type": ctype, "size": len(raw)})
    disp = disposition_param or 'filename="%s"' % name_hdr_value
    return part([
        'Content-Type: %s; name="%s"' % (ctype, name_hdr_value),
        "Content-Transfer-Encoding: base64",
        "Content-Disposition: attachment; %s" % disp,
    ], b64_body(raw))


def sample_messages(seed):
    rng = random.Random(seed)
    msgs = []
    start = datetime.datetime(2024, 3, 1, 8, 0, 0, tzinfo=datetime.timezone.utc)
    tzs = [0, 1, 2, -5, 8, 5.5, -8, 9]

    def new(i, sender=None):
        m = Msg()
        name, addr = sender or SENDERS[i % len(SENDERS)]
        m.from_name, m.from_addr = name, addr
        m.from_hdr = fmt_addr(name, addr)
        utc = start + datetime.timedelta(hours=i * 13, minutes=rng.randint(0, 59),
                                         seconds=rng.randint(0, 59))
        off = tzs[i % len(tzs)]
        m.date = utc.astimezone(datetime.timezone(datetime.timedelta(hours=off)))
        m.message_id = "gen-%d.%d.%04d@mailpeek.test" % (seed, i, rng.randint(0, 9999))
        return m

    def plain(m, subject, text, cte="7bit", charset="us-ascii", pad=900):
        m.subject = m.subject or subject
        m.subject_hdr = m.subject_hdr or subject
        body = text + "\n\n" + filler(rng, pad) + "-- \n%s\n" % m.from_name
        raw = body.encode(charset)
        if cte == "quoted-printable":
            enc = qp_body(raw)
        elif cte == "base64":
            enc = b64_body(raw)
        else:
            enc = body
        m.ctype_hdrs = ["Content-Type: text/plain; charset=%s" % charset,
                        "Content-Transfer-Encoding: %s" % cte]
        m.body = enc
        return m

    i = 0
    # 0: plain ASCII, 7bit
    m = new(i)
    m.preview = EN[0]
    plain(m, "Quarterly figures", EN[0])
    msgs.append(m); i += 1

    # 1: UTF-8 subject (B), UTF-8 name (Q), 8bit UTF-8 body
    m = new(i, ("Jürgen Groß", "juergen@example.de"))
    m.from_hdr = fmt_addr(m.from_name, m.from_addr, "UTF-8", "Q")
    m.subject = "Grüße aus München – schönes Wochenende ☀"
    m.subject_hdr = encoded_words(m.subject, "UTF-8", "B")
    m.preview = DE_FR[0]
    plain(m, None, DE_FR[0] + "\n" + DE_FR[4], "8bit", "UTF-8")
    msgs.append(m); i += 1

    # 2: GB2312 subject and name (B), base64 GB2312 body
    m = new(i, ("张伟", "zhang.wei@example.cn"))
    m.from_hdr = fmt_addr(m.from_name, m.from_addr, "GB2312", "B")
    m.subject = "会议纪要：季度报告"
    m.subject_hdr = encoded_words(m.subject, "GB2312", "B")
    m.preview = ZH[1]
    plain(m, None, "\n".join(ZH), "base64", "GB2312")
    msgs.append(m); i += 1

    # 3: ISO-8859-1 subject (Q) and name (Q), quoted-printable body
    m = new(i, ("François Müller", "francois@example.fr"))
    m.from_hdr = fmt_addr(m.from_name, m.from_addr, "ISO-8859-1", "Q")
    m.subject = "Café crème à Genève"
    m.subject_hdr = encoded_words(m.subject, "ISO-8859-1", "Q")
    m.preview = DE_FR[2]
    plain(m, None, DE_FR[2] + "\n" + DE_FR[3] + "\n" + DE_FR[5], "quoted-printable", "ISO-8859-1")
    msgs.append(m); i += 1

    # 4: HTML only, with style/script and entities
    m = new(i)
    m.subject = m.subject_hdr = "Your weekly newsletter"
    m.preview = "Fish & chips are served on Fridays."
    html = ("<!DOCTYPE html>\n<html><head><title>Newsletter</title>\n"
            "<style>body { font-family: sans-serif; } .x { color: red; }</style>\n"
            "<script type=\"text/javascript\">var secret = 'do not show';</script>\n"
            "</head><body>\n<h1>Weekly &ldquo;news&rdquo;</h1>\n"
            "<p>Fish &amp; chips are served on Fridays.</p>\n"
            "<p>Prices:&nbsp;5&euro; &lt;cheap&gt;<br>second line</p>\n"
            "<div><a href=\"https://example.com/unsubscribe\">Unsubscribe</a></div>\n"
            + "".join("<p>%s</p>\n" % s for s in EN) +
            "</body></html>\n")
    m.ctype_hdrs = ["Content-Type: text/html; charset=UTF-8",
                    "Content-Transfer-Encoding: quoted-printable"]
    m.body = qp_body(html.encode("utf-8"))
    msgs.append(m); i += 1

    # 5: multipart/alternative plain + html
    m = new(i)
    m.subject = m.subject_hdr = "Re: Planning meeting moved"
    m.extra_hdrs = ["In-Reply-To: <older@example.org>"]
    m.preview = EN[5]
    b = "alt-%d-%d" % (seed, i)
    m.ctype_hdrs = ['Content-Type: multipart/alternative; boundary="%s"' % b]
    text = EN[5] + "\n\n" + filler(rng, 700)
    m.body = multipart(b, [
        part(["Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: 7bit"], text),
        part(["Content-Type: text/html; charset=UTF-8", "Content-Transfer-Encoding: 7bit"],
             "<html><body><p>%s</p><p>HTML version only.</p></body></html>\n" % EN[5]),
    ])
    msgs.append(m); i += 1

    # 6: multipart/mixed with a PDF attachment
    m = new(i)
    m.subject = m.subject_hdr = "Invoice 2024-0317"
    m.preview = EN[10]
    b = "mix-%d-%d" % (seed, i)
    m.ctype_hdrs = ['Content-Type: multipart/mixed; boundary="%s"' % b]
    m.body = multipart(b, [
        part(["Content-Type: text/plain; charset=us-ascii"], EN[10] + "\n\n" + filler(rng, 400)),
        attach(m, "invoice-2024-0317.pdf", "invoice-2024-0317.pdf", "application/pdf",
               fake_pdf(rng, 6000)),
    ])
    msgs.append(m); i += 1

    # 7: PNG + ZIP + RFC 2231 non-ASCII filename
    m = new(i, ("Zoë Svensson", "zoe@example.se"))
    m.from_hdr = fmt_addr(m.from_name, m.from_addr, "ISO-8859-1", "B")
    m.subject = m.subject_hdr = "Photos and documents"
    m.preview = EN[9]
    b = "mix-%d-%d" % (seed, i)
    m.ctype_hdrs = ['Content-Type: multipart/mixed; boundary="%s"' % b]
    resume = "Résumé Zoë 2024.pdf"
    text_part = part(["Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: 8bit"],
                     EN[9] + "\n\n" + filler(rng, 300))
    png_part = attach(m, "lake.png", "lake.png", "image/png", tiny_png(rng))
    zip_part = attach(m, "archive.zip", "archive.zip", "application/zip", small_zip(rng, EN[3]))
    # RFC 2231 filename*: only the disposition carries the name
    pdf = fake_pdf(rng, 3000)
    m.attachments.append({"name": resume, "content_type": "application/pdf", "size": len(pdf)})
    pct = urllib.parse.quote(resume.encode("utf-8"), safe="")
    rfc2231 = part([
        "Content-Type: application/pdf",
        "Content-Transfer-Encoding: base64",
        "Content-Disposition: attachment;\n filename*=UTF-8''%s" % pct,
    ], b64_body(pdf))
    m.body = multipart(b, [text_part, png_part, zip_part, rfc2231])
    msgs.append(m); i += 1

    # 8: dot-stuffing: lines starting with '.', a lone '.', and '..'
    m = new(i)
    m.subject = m.subject_hdr = "Dots at the start of lines"
    m.preview = "A line of prose after the dots survives the transfer."
    dots = (".hidden file name\n.\n..\n...three\n. space after dot\n"
            "A line of prose after the dots survives the transfer.\n.end\n")
    plain(m, None, dots, "7bit", "us-ascii", pad=600)
    msgs.append(m); i += 1

    # 9: ~200 KB: big attachment
    m = new(i)
    m.subject = m.subject_hdr = "Full backup of the photo archive"
    m.preview = EN[9]
    b = "mix-%d-%d" % (seed, i)
    m.ctype_hdrs = ['Content-Type: multipart/mixed; boundary="%s"' % b]
    m.body = multipart(b, [
        part(["Content-Type: text/plain; charset=us-ascii"], EN[9] + "\n"),
        attach(m, "archive-photos.zip", "archive-photos.zip", "application/zip",
               bytes(rng.getrandbits(8) for _ in range(148000))),
    ])
    msgs.append(m); i += 1

    # 10: encoded-word attachment name (GB2312 B) and UTF-8 Q subject
    m = new(i, ("李娜", "li.na@example.cn"))
    m.from_hdr = fmt_addr(m.from_name, m.from_addr, "UTF-8", "B")
    m.subject = "请查收：季度报告 (Q1)"
    m.subject_hdr = encoded_words(m.subject, "UTF-8", "Q")
    m.preview = ZH[2]
    b = "mix-%d-%d" % (seed, i)
    m.ctype_hdrs = ['Content-Type: multipart/mixed; boundary="%s"' % b]
    zhname = "季度报告.pdf"
    ewname = encoded_words(zhname, "GB2312", "B")
    m.body = multipart(b, [
        part(["Content-Type: text/plain; charset=GB2312", "Content-Transfer-Encoding: base64"],
             b64_body(("\n".join(ZH) + "\n").encode("GB2312"))),
        attach(m, ewname, zhname, "application/pdf", fake_pdf(rng, 2500)),
    ])
    msgs.append(m); i += 1

    # 11: nested: mixed( alternative(plain, html), attachment )
    m = new(i)
    m.subject = m.subject_hdr = "Team outing: pictures and schedule"
    m.preview = EN[2]
    b = "mix-%d-%d" % (seed, i)
    ba = "alt-%d-%d" % (seed, i)
    m.ctype_hdrs = ['Content-Type: multipart/mixed; boundary="%s"' % b]
    alt = multipart(ba, [
        part(["Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: quoted-printable"],
             qp_body((EN[2] + "\n\n" + filler(rng, 500)).encode())),
        part(["Content-Type: text/html; charset=UTF-8"], "<p>%s</p>\n" % EN[2]),
    ], preamble=None)
    m.body = multipart(b, [
        part(['Content-Type: multipart/alternative; boundary="%s"' % ba], alt),
        attach(m, "schedule.png", "schedule.png", "image/png", tiny_png(rng, 24, 24)),
    ])
    msgs.append(m); i += 1

    # 12: bare address, no display name; ISO-8859-1 B subject
    m = new(i, ("", "noreply@example.com"))
    m.subject = "Ihre Bestellung über 3 Artikel wurde versandt"
    m.subject_hdr = encoded_words(m.subject, "ISO-8859-1", "B")
    m.preview = "Ihre Sendung ist unterwegs."
    plain(m, None, "Ihre Sendung ist unterwegs.\n" + DE_FR[1], "quoted-printable", "ISO-8859-1")
    msgs.append(m); i += 1

    # 13: quoted display name with a comma
    m = new(i, ("Doe, John", "john.doe@example.com"))
    m.subject = m.subject_hdr = "Contract draft v3"
    m.preview = EN[6]
    plain(m, None, EN[6], "7bit", "us-ascii", pad=2500)
    msgs.append(m); i += 1

    # 14: a long plain-text message (~100 KB), base64 UTF-8
    m = new(i)
    m.subject = m.subject_hdr = "Minutes of the annual general meeting"
    m.preview = EN[11]
    plain(m, None, EN[11], "base64", "UTF-8", pad=72000)
    msgs.append(m); i += 1

    # 15: HTML only, GB2312, base64
    m = new(i, ("王芳", "wang.fang@example.cn"))
    m.from_hdr = fmt_addr(m.from_name, m.from_addr, "GB2312", "B")
    m.subject = "生日快乐"
    m.subject_hdr = encoded_words(m.subject, "GB2312", "B")
    m.preview = ZH[3]
    html = ("<html><head><style>p{margin:0}</style></head><body>"
            "<p>%s</p><p>%s</p><table><tr><td>%s</td></tr></table>%s</body></html>\n"
            % (ZH[3], ZH[4], ZH[5], "<br/>".join(ZH[:1]) + "<!-- comment -->"))
    m.ctype_hdrs = ["Content-Type: text/html; charset=GB2312",
                    "Content-Transfer-Encoding: base64"]
    m.body = b64_body(html.encode("GB2312"))
    msgs.append(m); i += 1

    # 16..24: assorted plain messages in all three charsets and encodings
    variants = [
        ("UTF-8", "B", "8bit", EN + DE_FR),
        ("ISO-8859-1", "Q", "quoted-printable", DE_FR),
        ("GB2312", "B", "base64", ZH),
        ("UTF-8", "Q", "quoted-printable", ZH + DE_FR),
        ("us-ascii", None, "7bit", EN),
    ]
    while len(msgs) < 25:
        charset, enc, cte, pool = variants[i % len(variants)]
        m = new(i)
        sentence = rng.choice(pool)
        subj = "%s #%d" % (sentence[:30].rstrip(" ,.:;，。：！"), i)
        m.subject = subj
        m.subject_hdr = encoded_words(subj, charset, enc) if enc else subj
        m.preview = sentence
        text = sentence + "\n\n" + "\n".join(rng.sample(pool, min(3, len(pool))))
        plain(m, None, text, cte, charset, pad=rng.randint(500, 12000))
        msgs.append(m); i += 1
    return msgs


def crlf_size(data):
    return len(data) + data.count(b"\n") - data.count(b"\r\n")


def maildir_name(index, seed, size=None, vsize=None):
    name = "%d.M%dP%d.mailpeek" % (BASE_TIME + index, index, 4000 + seed % 1000)
    if size is not None:
        name += ",S=%d,W=%d" % (size, vsize)
    return name


def write_samples(out, seed):
    msgdir = os.path.join(out, "messages")
    os.makedirs(msgdir, exist_ok=True)
    manifest = []
    for idx, m in enumerate(sample_messages(seed)):
        data = (headers_text(m, idx, seed) + "\n" + m.body).encode("utf-8")
        assert b"\r" not in data
        name = maildir_name(idx, seed)
        with open(os.path.join(msgdir, name), "wb") as f:
            f.write(data)
        utc = m.date.astimezone(datetime.timezone.utc)
        manifest.append({
            "file": name,
            "uidl": name,
            "path": os.path.join(os.path.abspath(msgdir), name),
            "from_name": m.from_name,
            "from_addr": m.from_addr,
            "to": TO_DISPLAY,
            "subject": m.subject,
            "date": utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "message_id": m.message_id,
            "size": crlf_size(data),
            "lines": data.count(b"\n"),
            "has_attachments": bool(m.attachments),
            "attachments": m.attachments,
            "preview_contains": m.preview,
        })
    return manifest


def write_bulk(out, seed, count):
    """count small plain messages, 1-4 KB; fast (no per-word randomness)."""
    rng = random.Random(seed * 7919 + count)
    msgdir = os.path.join(out, "messages")
    os.makedirs(msgdir, exist_ok=True)
    paras = [wrap(" ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60)))) + "\n\n"
             for _ in range(300)]
    manifest = []
    start = datetime.datetime(2023, 1, 1, tzinfo=datetime.timezone.utc)
    for idx in range(count):
        name, addr = SENDERS[idx % len(SENDERS)]
        date = start + datetime.timedelta(minutes=idx * 17)
        subject = "Bulk message %d of %d" % (idx + 1, count)
        mid = "bulk-%d.%d@mailpeek.test" % (seed, idx)
        hdr = ("Return-Path: <%s>\nFrom: %s\nTo: %s\nSubject: %s\nDate: %s\n"
               "Message-ID: <%s>\nMIME-Version: 1.0\n"
               "Content-Type: text/plain; charset=us-ascii\n\n"
               % (addr, fmt_addr(name, addr), TO, subject,
                  date.strftime("%a, %d %b %Y %H:%M:%S +0000"), mid))
        target = rng.randint(1000, 4000)
        body = ["Message %d.\n\n" % (idx + 1)]
        total = len(hdr) + len(body[0])
        while total < target:
            p = paras[rng.randrange(len(paras))]
            body.append(p)
            total += len(p)
        data = (hdr + "".join(body)).encode("ascii")
        fname = maildir_name(idx, seed, len(data), crlf_size(data))
        with open(os.path.join(msgdir, fname), "wb") as f:
            f.write(data)
        manifest.append({"file": fname, "uidl": fname, "subject": subject,
                         "message_id": mid, "size": crlf_size(data)})
    return manifest


# ---------------------------------------------------------------- folded encoded-words

# Long non-ASCII subjects and names as mailers fold them: one encoded-word per line.
# Python's email package splits at character boundaries; other mailers split the
# encoded bytes anywhere, so a word may end inside a multibyte character (or an
# ISO-2022-JP escape sequence) and base64 words end in "=" padding mid-header.
EW_TEXTS = [
    ("UTF-8", "Встреча в пятницу, комната 42618", "Иван Петрович Сидоров-Кузнецов"),
    ("UTF-8", "会议纪要：下周三下午三点在大会议室开会，请准时参加", "Zoë Ångström-Ødegård"),
    ("GB2312", "请查收附件中的季度报告，谢谢你的帮助，项目进展很顺利", "王芳 市场部经理"),
    ("GBK", "朱镕基与王喆的会面纪要（第七版）已经更新", "王喆 技术支持中心"),
    ("ISO-2022-JP", "会議の議事録をお送りします、ご確認ください 2024", "山田太郎 営業部"),
    ("KOI8-R", "Отчёт о продажах за третий квартал, версия 7", "Ольга Николаевна Смирнова"),
]


def ew_split_bytes(raw, size):
    return [raw[k:k + size] for k in range(0, len(raw), size)] or [b""]


def ew_render(chunks, charset, enc):
    if enc == "B":
        return ["=?%s?B?%s?=" % (charset, base64.b64encode(c).decode("ascii")) for c in chunks]
    return ["=?%s?Q?%s?=" % (charset, qp_word_bytes(c)) for c in chunks]


def ew_folds(text, charset, enc, rng):
    """Ways of writing text as adjacent encoded-words, as (label, header value)."""
    raw = text.encode(charset)
    out = []
    # Python's own folding (character boundaries, base64 padding on most words)
    if enc == "B":
        h = email.header.Header(text, charset, maxlinelen=60, header_name="Subject")
        # (Python labels GB2312 "eucgb2312_cn", a name no mailer writes)
        out.append(("python", h.encode(linesep="\n").replace("eucgb2312_cn", charset)))
    # byte boundaries: inside multibyte characters, padding on every word but the last
    for size in (4, 7, 10, 11):
        out.append(("bytes%d" % size, "\n ".join(ew_render(ew_split_bytes(raw, size), charset, enc))))
    # random cuts, words separated by one to three blanks or a fold
    cuts = sorted(rng.sample(range(1, len(raw)), min(5, len(raw) - 1)))
    chunks = [raw[a:b] for a, b in zip([0] + cuts, cuts + [len(raw)])]
    words = ew_render(chunks, charset, enc)
    value = words[0]
    for w in words[1:]:
        value += rng.choice([" ", "  ", "\t", "\n ", "\n\t", " \n  "]) + w
    out.append(("random", value))
    return out


def ew_mixed():
    """Encoded-words next to other charsets and next to plain text."""
    ru = "Привет".encode("KOI8-R")
    return [
        ("mixed-charsets", "=?KOI8-R?B?%s?=\n =?UTF-8?Q?%s?=\n =?UTF-8?B?%s?="
         % (base64.b64encode(ru).decode(), qp_word_bytes("мир ".encode()),
            base64.b64encode("и всем".encode()).decode())),
        ("b-then-q", "=?UTF-8?B?%s?=\n =?UTF-8?Q?%s?="
         % (base64.b64encode("Грü".encode()[:-1]).decode(), qp_word_bytes("Грü ße".encode()[5:]))),
        ("plain-between", "Re: =?UTF-8?B?%s?= and =?UTF-8?B?%s?= [#42]"
         % (base64.b64encode("Встре".encode()).decode(), base64.b64encode("ча".encode()).decode())),
        ("q-underscores", "=?ISO-8859-1?Q?Caf=E9_cr=E8me_?=\n =?ISO-8859-1?Q?_br=FBl=E9e?= x"),
        ("lowercase-mix", "=?utf-8?b?%s?= =?UTF-8?b?%s?="
         % (base64.b64encode("комн".encode()).decode(), base64.b64encode("ата".encode()).decode())),
    ]


def write_encoded_words(out, seed):
    rng = random.Random(seed)
    msgdir = os.path.join(out, "messages")
    os.makedirs(msgdir, exist_ok=True)
    cases = []
    for charset, subject, name in EW_TEXTS:
        for enc in ("B", "Q"):
            subjects = ew_folds(subject, charset, enc, rng)
            names = ew_folds(name, charset, enc, rng)
            for k, (label, subj_hdr) in enumerate(subjects):
                cases.append(("%s-%s-%s" % (charset, enc, label), subj_hdr, subject,
                              names[k % len(names)][1], name))
    for label, hdr in ew_mixed():
        cases.append((label, hdr, None, "Plain Name", "Plain Name"))
    manifest = []
    start = datetime.datetime(2024, 5, 1, tzinfo=datetime.timezone.utc)
    for idx, (label, subj_hdr, subject, from_hdr, name) in enumerate(cases):
        addr = "sender%d@example.org" % idx
        date = start + datetime.timedelta(minutes=idx * 7)
        data = ("From: %s <%s>\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: <ew-%d@mailpeek.test>\n"
                "MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n%s\n"
                % (from_hdr, addr, TO, subj_hdr, date.strftime("%a, %d %b %Y %H:%M:%S +0000"),
                   idx, label)).encode("ascii")
        fname = maildir_name(idx, seed)
        with open(os.path.join(msgdir, fname), "wb") as f:
            f.write(data)
        # subject / from_name: what the generator meant (None: only the decoder knows)
        manifest.append({"file": fname, "uidl": fname, "label": label,
                         "path": os.path.join(os.path.abspath(msgdir), fname),
                         "subject": subject, "from_name": name, "from_addr": addr,
                         "size": crlf_size(data)})
    return manifest


# ---------------------------------------------------------------- rules
def write_rules_mail(out, seed):
    """What rules act on: the server's spam verdict (X-Spam-Flag / -Status / -Score), a
    huge message, attachments, an old date, bulk-mail headers, Cc to a list, and spam
    from a sender the tests put on the allow-list."""
    rng = random.Random(seed)
    msgdir = os.path.join(out, "messages")
    os.makedirs(msgdir, exist_ok=True)
    pdf = b64_body(fake_pdf(rng, 6000))
    big = "".join(wrap(" ".join(rng.choice(WORDS) for _ in range(60))) + "\n\n"
                  for _ in range(4200))                      # ~1.5 MB of text
    mixed = ('MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="rb"\n\n'
             '--rb\nContent-Type: text/plain; charset=us-ascii\n\nSee the file.\n'
             '--rb\nContent-Type: application/pdf; name="r.pdf"\n'
             'Content-Disposition: attachment; filename="r.pdf"\n'
             'Content-Transfer-Encoding: base64\n\n%s--rb--\n' % pdf)
    plain = "MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n"
    cases = [
        # label, From, extra header lines, date, subject, MIME part (headers + body)
        ("spam-flag", "Deals <promo@deals.spam.example>",
         ["X-Spam-Flag: YES", "X-Spam-Status: Yes, score=12.3 required=5.0",
          "X-Spam-Score: 12.3"], "2025-06-01", "Cheap watches", plain + "Buy now.\n"),
        ("spam-status", "news@mail.spam.example",
         ["X-Spam-Status: Yes, score=6.0 required=5.0", "X-Spam-Score: 6.0"],
         "2025-06-02", "You have won the lottery", plain + "Claim it.\n"),
        ("ham-scored", "Carol <carol@friends.example>",
         ["X-Spam-Flag: NO", "X-Spam-Status: No, score=1.2 required=5.0",
          "X-Spam-Score: 1.2"], "2025-06-03", "Dinner on Friday?", plain + "At eight.\n"),
        ("huge", "Backup <backup@files.example>", [], "2025-06-04", "Nightly log",
         plain + big),
        ("attachment", "Dave <dave@work.example>", ["Cc: team@work.example"],
         "2025-06-05", "Report", mixed),
        ("old", "Archive <old@archive.example>", [], "2015-03-01", "From long ago",
         plain + "Old news.\n"),
        ("bulk", "Letters <letters@news.example>",
         ["X-Mailer: BulkMailer 4.2", "Cc: subscribers@lists.example",
          "List-Id: <letters.news.example>"], "2025-06-06", "Weekly letter",
         plain + "This week.\n"),
        ("allowed-spam", "Boss <boss@trusted.example>",
         ["X-Spam-Flag: YES", "X-Spam-Status: Yes, score=7.0", "X-Spam-Score: 7.0"],
         "2025-06-07", "Quarterly numbers (not spam)", plain + "Numbers.\n"),
    ]
    manifest = []
    for idx, (label, sender, extra, day, subject, body) in enumerate(cases):
        date = datetime.datetime.strptime(day, "%Y-%m-%d").replace(
            hour=9, tzinfo=datetime.timezone.utc)
        data = ("From: %s\nTo: %s\n%sSubject: %s\nDate: %s\nMessage-ID: <rules-%d@mailpeek.test>\n%s"
                % (sender, TO, "".join(h + "\n" for h in extra), subject,
                   date.strftime("%a, %d %b %Y %H:%M:%S +0000"), idx, body)).encode("ascii")
        fname = "%d.M%dP%d.mailpeek-rules" % (BASE_TIME + 5000 + idx, idx, 4000 + seed % 1000)
        with open(os.path.join(msgdir, fname), "wb") as f:
            f.write(data)
        manifest.append({"file": fname, "label": label,
                         "path": os.path.join(os.path.abspath(msgdir), fname),
                         "size": crlf_size(data)})
    return manifest


def keyfile_escape(value):
    """A GKeyFile string value (so C tests can read the manifest with GLib alone)."""
    out = str(value).replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    if out.startswith(" "):
        out = "\\s" + out[1:]
    return out


def write_keyfile(path, manifest):
    with open(path, "w", encoding="utf-8") as f:
        f.write("[manifest]\ncount=%d\n\n" % len(manifest))
        for i, m in enumerate(manifest):
            f.write("[message %d]\n" % i)
            for k, v in m.items():
                if k == "attachments":
                    f.write("n_attachments=%d\n" % len(v))
                    for j, a in enumerate(v):
                        for ak, av in a.items():
                            f.write("attachment%d_%s=%s\n" % (j, ak, keyfile_escape(av)))
                elif isinstance(v, bool):
                    f.write("%s=%s\n" % (k, "true" if v else "false"))
                else:
                    f.write("%s=%s\n" % (k, keyfile_escape(v)))
            f.write("\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="output directory (created)")
    ap.add_argument("--seed", type=int, default=20240301)
    ap.add_argument("--count", type=int, default=0,
                    help="generate COUNT small messages instead of the samples")
    ap.add_argument("--encoded-words", action="store_true",
                    help="generate folded encoded-word From/Subject headers instead")
    ap.add_argument("--rules-mail", action="store_true",
                    help="generate the messages of the rules tests instead")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    if args.rules_mail:
        manifest = write_rules_mail(args.out, args.seed)
    elif args.encoded_words:
        manifest = write_encoded_words(args.out, args.seed)
    elif args.count > 0:
        manifest = write_bulk(args.out, args.seed, args.count)
    else:
        manifest = write_samples(args.out, args.seed)
    with open(os.path.join(args.out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
    if args.count <= 0 and not args.encoded_words and not args.rules_mail:
        write_keyfile(os.path.join(args.out, "manifest.ini"), manifest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
