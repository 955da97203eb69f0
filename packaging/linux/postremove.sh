#!/bin/sh
# After removal (dpkg: remove or purge; rpm: %postun). The coordinator's
# state in /var/lib/idlenode-coordinator (its ledger of credits) and its
# system user are kept, even on purge: delete them by hand when the network
# is gone for good.
set -e

if [ -d /run/systemd/system ]; then
	systemctl daemon-reload >/dev/null 2>&1 || true
fi
