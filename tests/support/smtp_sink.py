#!/usr/bin/python3
"""A real SMTP server on 127.0.0.1 for delivery tests (Debian's aiosmtpd).

Every accepted message is written to SPOOL as N.eml (the bytes received) and
N.json (envelope, decoded headers and body, whether the session ran TLS), so
a test sees what a mail client would. Addresses named with --reject get a
permanent "550 unknown mailbox", --tempfail a "451 try again later", and
--reject-sender makes MAIL FROM fail with 550, and --reject-data refuses
the message for that recipient after DATA with 554. With --tls-cert/--tls-key the
server offers STARTTLS.

Run with /usr/bin/python3 (the interpreter that has aiosmtpd).
"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import ssl

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, args):
        self.spool = args.spool
        self.reject = set(args.reject)
        self.tempfail = set(args.tempfail)
        self.reject_sender = set(args.reject_sender)
        self.reject_data = set(args.reject_data)
        # A restarted sink on the same spool goes on numbering after what is
        # there, so a test can take the server down and bring it back.
        self.count = len([f for f in os.listdir(self.spool) if f.endswith(".json")])

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if address in self.reject_sender:
            return "550 5.7.1 sender not allowed"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return "550 5.1.1 <%s>: unknown mailbox" % address
        if address in self.tempfail:
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.reject_data.intersection(envelope.rcpt_tos):
            return "554 5.7.1 message refused as spam"
        self.count += 1
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        message = email.message_from_bytes(raw, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "headers": {k: str(v) for k, v in message.items()},
            "content_type": message.get_content_type(),
            "charset": message.get_content_charset(),
            # Line ends as a mail client shows them.
            "body": (body.get_content().replace("\r\n", "\n")
                     if body is not None else None),
        }
        base = os.path.join(self.spool, "%d" % self.count)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(raw)
        with open(base + ".json.tmp", "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        # The .json appears last and whole: a test that sees it sees both.
        os.rename(base + ".eml.tmp", base + ".eml")
        os.rename(base + ".json.tmp", base + ".json")
        return "250 2.0.0 OK queued as %d" % self.count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--spool", required=True)
    parser.add_argument("--reject", action="append", default=[])
    parser.add_argument("--tempfail", action="append", default=[])
    parser.add_argument("--reject-sender", action="append", default=[])
    parser.add_argument("--reject-data", action="append", default=[])
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    args = parser.parse_args()

    tls = None
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    handler = Sink(args)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(
        lambda: SMTP(handler, tls_context=tls, hostname="sink.test",
                     decode_data=False),
        host="127.0.0.1", port=args.port))
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    main()
