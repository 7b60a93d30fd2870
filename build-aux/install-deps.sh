#!/bin/sh
# Installs everything Mailpeek needs to build, run its demo and run its whole test suite
# on Debian 12 / Ubuntu. Needs root (or sudo).
set -eu
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends \
  build-essential pkg-config meson ninja-build gettext python3 \
  libglib2.0-dev libglib2.0-dev-bin libssl-dev libgmime-3.0-dev libsecret-1-dev \
  libsoup-3.0-dev glib-networking \
  libgtk-4-dev libadwaita-1-dev libnotify-dev libgoa-1.0-dev librsvg2-common \
  dovecot-core dovecot-pop3d mailutils-pop3d openssl ca-certificates \
  xvfb xauth imagemagick dbus dbus-x11 gnome-keyring libsecret-tools x11-utils \
  xfce4-panel xfconf \
  at-spi2-core python3-gi gir1.2-atspi-2.0 python3-pyatspi \
  dunst \
  desktop-file-utils appstream flatpak-builder locales \
  clang libclang-rt-14-dev valgrind time zlib1g-dev \
  adwaita-icon-theme fonts-dejavu-core fonts-wqy-microhei
