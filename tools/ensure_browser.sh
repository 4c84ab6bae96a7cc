#!/bin/sh
# Browser tests drive Debian's chromium. Install it when we can (root on Debian);
# otherwise the browser tests skip loudly, except under CI=true where they fail.
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && [ -f /etc/debian_version ]; then
  echo "Installing Debian's chromium for the browser tests..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
    || echo "WARNING: could not install chromium; browser tests will not run" >&2
else
  echo "WARNING: chromium is not installed and cannot be installed here (not root on Debian):" >&2
  echo "WARNING: browser tests will be SKIPPED. Install Debian's 'chromium' to run them." >&2
fi
exit 0
