#!/bin/sh
# After install or upgrade (dpkg: configure; rpm: %post).
set -e

# The coordinator's system user: sysusers where systemd is, useradd otherwise.
if command -v systemd-sysusers >/dev/null 2>&1; then
	systemd-sysusers /usr/lib/sysusers.d/idlenode-coordinator.conf
elif ! getent passwd idlenode-coordinator >/dev/null 2>&1; then
	useradd --system --user-group --no-create-home \
		--home-dir /var/lib/idlenode-coordinator --shell /usr/sbin/nologin \
		--comment "idlenode coordinator" idlenode-coordinator
fi

if [ -d /run/systemd/system ]; then
	systemctl daemon-reload >/dev/null 2>&1 || true
	# An upgrade restarts a running coordinator on the new binary; a fresh
	# install starts nothing (it needs its settings first).
	systemctl try-restart idlenode-coordinator.service >/dev/null 2>&1 || true
fi
