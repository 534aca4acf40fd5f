#!/usr/bin/env bash
# Prepares a CI machine for .ci/run; safe to run again (it only acts on what is missing):
#   - headless Chromium for the browser test (Debian package "chromium");
#   - PostgreSQL answering on 127.0.0.1:5432, started with pg_ctlcluster when it is down.
set -euo pipefail

PGHOST_ADDR=127.0.0.1
PGPORT_NUM=5432

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else "$@"; fi
}

if [ -x /usr/bin/chromium ]; then
  echo "chromium 已安装：$(/usr/bin/chromium --version 2>/dev/null | tail -n 1)"
else
  echo "安装 chromium（apt-get）……"
  export DEBIAN_FRONTEND=noninteractive
  sudo_if_needed apt-get update -qq
  sudo_if_needed apt-get install -y -qq chromium >/dev/null
  if [ ! -x /usr/bin/chromium ]; then
    echo "错误：apt-get install chromium 之后仍没有 /usr/bin/chromium" >&2
    exit 1
  fi
  echo "chromium 安装完成：$(/usr/bin/chromium --version 2>/dev/null | tail -n 1)"
fi

if ! command -v pg_isready >/dev/null 2>&1; then
  echo "错误：找不到 pg_isready（需要 PostgreSQL 客户端工具，Debian 软件包 postgresql-client）" >&2
  exit 1
fi
if pg_isready -q -h "$PGHOST_ADDR" -p "$PGPORT_NUM"; then
  echo "PostgreSQL 正在 $PGHOST_ADDR:$PGPORT_NUM 上服务"
else
  versions=$(ls /etc/postgresql 2>/dev/null || true)
  if [ -z "$versions" ]; then
    echo "错误：PostgreSQL 未在 $PGHOST_ADDR:$PGPORT_NUM 响应，且 /etc/postgresql 下没有可启动的集群" >&2
    exit 1
  fi
  for v in $versions; do
    echo "PostgreSQL 未响应，启动集群 $v/main……"
    sudo_if_needed pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
  done
  end=$((SECONDS + 30))
  until pg_isready -q -t 2 -h "$PGHOST_ADDR" -p "$PGPORT_NUM" || [ "$SECONDS" -ge "$end" ]; do
    sleep 1
  done
  if ! pg_isready -q -h "$PGHOST_ADDR" -p "$PGPORT_NUM"; then
    echo "错误：已尝试 pg_ctlcluster --skip-systemctl-redirect <版本> main start，PostgreSQL 在 30 秒内仍未在 $PGHOST_ADDR:$PGPORT_NUM 响应；请查看 /var/log/postgresql/" >&2
    exit 1
  fi
  echo "PostgreSQL 已启动"
fi

# The tests use database "test" (trust auth for postgres on loopback); create it if a fresh cluster lacks it.
if ! psql -h "$PGHOST_ADDR" -p "$PGPORT_NUM" -U postgres -d test -Atqc 'SELECT 1' >/dev/null 2>&1; then
  echo "数据库 test 不可用，尝试创建……"
  if ! createdb -h "$PGHOST_ADDR" -p "$PGPORT_NUM" -U postgres test; then
    echo "错误：无法以 postgres 用户连接或创建 127.0.0.1:$PGPORT_NUM 上的数据库 test（需要对本机回环地址的 trust 认证）" >&2
    exit 1
  fi
fi
echo "数据库 test 可用"
