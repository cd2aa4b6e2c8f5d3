#!/usr/bin/python3
"""A real SMTP server for the mail tests: aiosmtpd, from Debian's python3-aiosmtpd.

usage: smtp_server.py PORT OUT_FILE [DEFER]

Refuses for good (550) every recipient whose address starts with "reject",
answers "451 try again later" to the first DEFER messages, accepts the rest
and appends each, decoded, as one JSON line to OUT_FILE. Prints "ready" when
it listens.
"""
import email
import json
import signal
import sys
from email import policy

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, out, defer):
        self.out = out
        self.defer = defer

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("reject"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.defer > 0:
            self.defer -= 1
            return "451 4.3.0 Try again later"
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        record = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "subject": str(msg["subject"]),
            "content_type": msg.get_content_type(),
            "body": msg.get_content(),
        }
        with open(self.out, "a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
        return "250 Message accepted"


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    defer = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    controller = Controller(Handler(out, defer), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    main()
