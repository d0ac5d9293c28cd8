"""Write a `.env` with fresh secrets for running the service on this machine, unless one exists.

`make run` calls it, so that a first run needs nothing set by hand: the service runs with
DEBUG off, a random SECRET_KEY and a random config-encryption key, kept in `.env` (never
committed) so that data encrypted today can be read tomorrow.
"""

import secrets
import sys
from pathlib import Path

from cryptography.fernet import Fernet

TEMPLATE = """\
# Written by `make run` on first use; never commit this file.
# Losing CONFIG_ENCRYPTION_KEYS makes the stored POS secrets unreadable.
DEBUG=0
SECRET_KEY={secret_key}
CONFIG_ENCRYPTION_KEYS={encryption_key}
ALLOWED_HOSTS=127.0.0.1,localhost
# Plain http on 127.0.0.1: cookies cannot be HTTPS-only here. Remove behind TLS.
SECURE_COOKIES=0
"""


def main(path):
    target = Path(path)
    if target.exists():
        return
    target.write_text(
        TEMPLATE.format(
            secret_key=secrets.token_urlsafe(50),
            encryption_key=Fernet.generate_key().decode(),
        )
    )
    target.chmod(0o600)
    print(f"Wrote {target} with a new SECRET_KEY and config-encryption key.")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".env")
