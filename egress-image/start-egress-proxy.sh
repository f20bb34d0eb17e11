#!/bin/sh
# $1: the squid.conf the api wrote; $2: the unix socket users' containers
# connect to. socat hands each connection on the socket to squid's loopback
# port; squid runs in the foreground, so the container lives as long as it.
# squid's logs go to the container's output through a FIFO: squid drops to
# the proxy user, which may not reopen the container's stdout itself.
set -eu
conf="$1"
sock="$2"
fifo=/run/squid/log.fifo
[ -p "$fifo" ] || mkfifo -m 666 "$fifo"
( while :; do cat "$fifo"; done ) &
socat "UNIX-LISTEN:$sock,fork,mode=666,unlink-early" TCP:127.0.0.1:3128 &
exec squid -N -f "$conf"
