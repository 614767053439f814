#!/usr/bin/env bash
# Builds a minimal root filesystem from Debian's busybox-static, offline: one static binary,
# a link per applet, /etc/passwd and /etc/group. Usage: make-busybox-rootfs.sh DIR
set -euo pipefail
dir=${1:?usage: make-busybox-rootfs.sh DIR}
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "busybox-static is not installed (apt-get install busybox-static)" >&2; exit 1; }
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' || ldd "$busybox" 2>&1 | grep -q 'not a dynamic' \
  || { echo "$busybox is not statically linked: install busybox-static" >&2; exit 1; }
rm -rf "$dir"
mkdir -p "$dir"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root,home,var/www,proc,sys,dev}
chmod 1777 "$dir/tmp"
cp "$busybox" "$dir/bin/busybox"
# busybox --list-full prints each applet with its usual directory (bin/ls, usr/bin/wget, …).
"$busybox" --list-full | while read -r applet; do
  [ "$applet" = bin/busybox ] && continue
  mkdir -p "$dir/$(dirname "$applet")"
  ln -sf /bin/busybox "$dir/$applet"
done
cat > "$dir/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/home:/bin/false
P
cat > "$dir/etc/group" <<'G'
root:x:0:
nogroup:x:65534:
G
