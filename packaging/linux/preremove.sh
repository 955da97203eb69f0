#!/bin/sh
# Before removal (dpkg: remove; rpm: %preun with 0 left). Upgrades keep the
# service running; postinstall restarts it.
set -e

case "$1" in
remove | 0)
	if [ -d /run/systemd/system ]; then
		systemctl --no-reload disable --now idlenode-coordinator.service >/dev/null 2>&1 || true
	fi
	;;
esac
