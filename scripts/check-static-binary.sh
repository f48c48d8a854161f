#!/usr/bin/env bash
# Checks that the release binary runs on a machine without the Swift toolchain, and that the deployment examples of
# Samples/deploy/ work with it. Run by .ci/run; needs root (a mount namespace and chroot), util-linux's unshare,
# binutils' readelf and systemd's systemd-analyze.
#
#   scripts/check-static-binary.sh [BINARY]
#
# Without BINARY it builds one as the README says: swift build -c release --static-swift-stdlib --product quadra.
#
# 1. ldd and readelf: nothing from the toolchain's folder (/opt/swift) and no Swift library (Swift runtime,
#    Foundation, Dispatch, BlocksRuntime, Foundation's ICU) is loaded, nothing is missing, every library loaded belongs
#    to a Debian package, and the binary itself needs only libxml2, libsqlite3, zlib, libcrypto and the C and C++
#    runtimes (libc, libm, libstdc++, libgcc_s).
# 2. systemd-analyze verify on Samples/deploy/quadra-night.service and .timer says nothing.
# 3. How the toolchain is hidden: in a private mount namespace (unshare --mount; its mounts vanish with it), a root
#    folder is made of the host's /usr (read-only), copies of a few files of /etc, /etc/ssl, /dev, /proc, /sys and
#    empty /tmp, /srv and /var; it has no /opt, so nothing of /opt/swift, and the binary, installed as the README
#    says (install -m 0755 -s: stripped) in its /usr/local/bin, runs there under chroot with a bare environment
#    (env -i, no LD_LIBRARY_PATH). A control program linked against the toolchain's shared libraries must fail to
#    start there, or the check fails: that is the proof that the toolchain is out of reach. Inside, run from empty folders:
#    - quadra --version;
#    - quadra demo, which writes out the sample night inside the binary and runs it against the built-in simulators;
#    - quadra run --offline on that sample night, every output equal to the goldens of SampleNightTests;
#    - the crontab line of Samples/deploy/crontab, verbatim with its environment lines (as root, not the quadra user),
#      which submits the emergency report, and then the service's ExecStart (systemd's $$ and %% read as $ and %)
#      with its Environment= lines, which sends nothing twice, against
#      `quadra simulate spice` and `quadra simulate acube` on 127.0.0.1, with /etc/quadra, /srv/quadra,
#      /var/lib/quadra and the metrics folder where the examples name them.
set -euo pipefail

fail() {
    echo "check-static-binary: $*" >&2
    exit 1
}

# ---------------------------------------------------------------------------------------------------------------
# Stage 3, inside the root folder (chroot): the binary alone.
if [[ "${1:-}" == --in-root ]]; then
    cd /tmp
    export PATH=/usr/local/bin:/usr/bin:/bin HOME=/root
    [[ ! -e /opt ]] || fail "/opt is visible inside the root folder"
    if /check/control >/tmp/control.out 2>&1; then fail "a program linked against the toolchain ran there"; fi
    grep -Eq 'error while loading shared libraries: libswift[A-Za-z_]*\.so' /tmp/control.out ||
        fail "the control failed otherwise: $(cat /tmp/control.out)"
    echo "hidden: /opt is absent; a toolchain-linked program fails: $(head -1 /tmp/control.out)"
    ldd /usr/local/bin/quadra | grep -q 'not found' && fail "inside, a library is missing: $(ldd /usr/local/bin/quadra)"

    version=$(quadra --version) || fail "quadra --version failed"
    echo "quadra --version: $version"

    mkdir /tmp/demo && cd /tmp/demo
    status=0
    quadra demo >demo.out 2>demo.err || status=$?
    [[ $status == 1 ]] || fail "quadra demo: exit status $status, expected 1: $(cat demo.err)"
    grep -q 'Sent to A-Cube: emergency report E001-000001 2026-11-21' demo.out || fail "quadra demo: $(cat demo.out)"
    grep -q PAYMENT_RECOVERED_APPROVED quadra-demo/out/findings.csv || fail "quadra demo: no recovery"
    [[ -s quadra-demo/out/reconciliation.xml ]] || fail "quadra demo: no reconciliation.xml"
    samples=/tmp/demo/quadra-demo/samples
    echo "quadra demo: exit 1, outputs in $PWD/quadra-demo/out"

    mkdir /tmp/offline && cd /tmp/offline
    status=0
    quadra run --offline --input "$samples/night-2026-11-21" --out out --as-of 2026-11-22T06:00:00+01:00 \
        --state state.sqlite >run.out 2>run.err || status=$?
    [[ $status == 1 ]] || fail "quadra run --offline: exit status $status, expected 1: $(cat run.err)"
    for name in findings.csv reconciliation.xml summary.html manifest.json uploads/E001-000001/2026-11-21.json \
        uploads/E001-000001/2026-11-21.xml; do
        cmp "out/$name" "/check/goldens/$name" || fail "quadra run --offline: $name differs from its golden"
    done
    echo "quadra run --offline: exit 1, every output equal to its golden"

    # The deployment examples: simulators for Spice and A-Cube, a configuration and a password file where they say.
    email=backoffice@example.com
    password="static-check-$RANDOM$RANDOM"
    QUADRA_ACUBE_EMAIL=$email QUADRA_ACUBE_PASSWORD=$password quadra simulate acube --port 0 --mtls-port 0 \
        --certificates "$samples/certificates" --night "$samples/night-2026-11-21" >/tmp/acube.out 2>&1 &
    acube_pid=$!
    quadra simulate spice --port 0 --script "$samples/demo-spice.json" >/tmp/spice.out 2>&1 &
    spice_pid=$!
    trap 'kill "$acube_pid" "$spice_pid" 2>/dev/null || true' EXIT
    for _ in $(seq 300); do
        grep -q 'listening on' /tmp/acube.out && grep -q 'listening on' /tmp/spice.out && break
        kill -0 "$acube_pid" "$spice_pid" || fail "a simulator stopped: $(cat /tmp/acube.out /tmp/spice.out)"
        sleep 0.1
    done
    acube_url=$(sed -n 's/.*listening on \(http:[^,]*\),.*/\1/p' /tmp/acube.out)
    mtls_url=$(sed -n 's/.*mutual TLS on \(https:[^;]*\);.*/\1/p' /tmp/acube.out)
    spice_url=$(sed -n 's/.*listening on \(http:[^ ]*\) .*/\1/p' /tmp/spice.out)
    [[ -n $acube_url && -n $mtls_url && -n $spice_url ]] || fail "simulators: $(cat /tmp/acube.out /tmp/spice.out)"
    mkdir -p /etc/quadra /var/lib/quadra /var/lib/prometheus/node-exporter /srv/quadra/reports
    cp "$samples/certificates/ca.crt" "$samples/certificates/E001-000001.crt" "$samples/certificates/E001-000001.key" \
        /etc/quadra/
    cat >/etc/quadra/quadra.toml <<EOF
timezone = "Europe/Rome"
state = "/var/lib/quadra/state.sqlite"

[spice]
deadline_seconds = 20
initial_backoff_milliseconds = 100
maximum_backoff_seconds = 1

[spice.terminals]
T1 = "$spice_url"

[acube]
role = "supplier"
base_url = "$acube_url"
auth_url = "$acube_url"
mtls_base_url = "$mtls_url"
ca_certificate = "ca.crt"
merchant_uuid = "3f2a9c4e-0000-4000-8000-000000000001"
pems = ["E001-000001"]

[acube.certificates]
"E001-000001" = { certificate = "E001-000001.crt", private_key = "E001-000001.key" }
EOF
    printf '%s\n' "$password" >/etc/quadra/acube-password
    chmod 0600 /etc/quadra/acube-password /etc/quadra/E001-000001.key
    # The night the examples read: yesterday's date in Rome (and today's, should midnight pass meanwhile).
    for day in "$(TZ=Europe/Rome date -d yesterday +%F)" "$(TZ=Europe/Rome date +%F)"; do
        mkdir -p /srv/quadra/nights && cp -r "$samples/night-2026-11-21" "/srv/quadra/nights/$day"
    done

    # A job's checks: exit 1 (the sample night needs action), a summary printed (cron mails it), the reports, the
    # Spice recovery, the metrics and the state store where the examples put them, and no password anywhere.
    check_job() { # name status stdout stderr
        [[ $2 == 1 ]] || fail "$1: exit status $2, expected 1: $(cat "$4")"
        grep -q 'Next steps' "$3" || fail "$1: no summary: $(cat "$3")"
        local reports
        reports=$(ls -d /srv/quadra/reports/*/ | head -1)
        grep -q PAYMENT_RECOVERED_APPROVED "$reports/findings.csv" || fail "$1: Spice was not asked"
        grep -qx 'quadra_exit_status 1' /var/lib/prometheus/node-exporter/quadra.prom || fail "$1: no metrics"
        [[ -s /var/lib/quadra/state.sqlite ]] || fail "$1: no state store in /var/lib/quadra"
        ! grep -rqF "$password" "$3" "$4" /srv/quadra/reports /var/lib/prometheus || fail "$1: the password leaked"
    }

    # The crontab: its variable lines, then its job line's command (after the five time fields) as cron runs it:
    # /bin/sh -c, with HOME and LOGNAME, the variables, and \% read as %.
    crontab=/check/deploy/crontab
    environment=(HOME=/root LOGNAME=root)
    while IFS= read -r line; do environment+=("$line"); done < <(grep -E '^[A-Z_]+=' "$crontab")
    jobs=$(grep -E '^[0-9*]' "$crontab")
    [[ $(wc -l <<<"$jobs") == 1 ]] || fail "crontab: expected one job line"
    command=$(sed -E 's/^([^ ]+ +){5}//' <<<"$jobs")
    grep -q '[^\\]%' <<<"$command" && fail "crontab: a % not written \\%: cron would cut the command there"
    command=${command//\\%/%}
    cd /tmp
    status=0
    env -i "${environment[@]}" /bin/sh -c "$command" >/tmp/cron.out 2>/tmp/cron.err || status=$?
    check_job crontab "$status" /tmp/cron.out /tmp/cron.err
    grep -q 'Sent to A-Cube: emergency report E001-000001 2026-11-21' /tmp/cron.out ||
        fail "crontab: nothing was submitted: $(cat /tmp/cron.out)"
    echo "crontab line: exit 1, a summary to mail, the emergency report sent; reports, metrics, state where it says"

    # The service: Environment= lines, and ExecStart's /bin/sh -c '…' with systemd's escapes read.
    service=/check/deploy/quadra-night.service
    environment=(HOME=/root LOGNAME=root)
    while IFS= read -r line; do environment+=("$line"); done < <(sed -n 's/^Environment=//p' "$service")
    exec_start=$(sed -n 's/^ExecStart=//p' "$service")
    [[ $exec_start == "/bin/sh -c '"*"'" ]] || fail "the service: ExecStart is not /bin/sh -c '…'"
    script=${exec_start#"/bin/sh -c '"}
    script=${script%"'"}
    [[ $script != *"'"* ]] || fail "the service: a quote inside ExecStart's script"
    stripped=${script//'$$'/}
    stripped=${stripped//'%%'/}
    [[ $stripped != *'$'* && $stripped != *'%'* ]] || fail "the service: a \$ or % that systemd would expand"
    script=${script//'$$'/'$'}
    script=${script//'%%'/'%'}
    rm -f /var/lib/prometheus/node-exporter/quadra.prom
    status=0
    env -i "${environment[@]}" /bin/sh -c "$script" >/tmp/service.out 2>/tmp/service.err || status=$?
    check_job service "$status" /tmp/service.out /tmp/service.err
    grep -qx 'Nothing to send to A-Cube.' /tmp/service.out || fail "the service: sent again: $(cat /tmp/service.out)"
    echo "service ExecStart: exit 1 with its summary, nothing sent twice; reports, metrics and state where it says"
    exit 0
fi

# ---------------------------------------------------------------------------------------------------------------
# Stage 2b, in the private mount namespace: mount the root folder's parts, then enter it.
if [[ "${1:-}" == --mount-and-enter ]]; then
    root_folder=$2
    mount --make-rprivate /
    mount --bind /usr "$root_folder/usr"
    mount -o remount,bind,ro "$root_folder/usr"
    mount -t tmpfs tmpfs "$root_folder/usr/local/bin"
    cp "$root_folder/check/quadra" "$root_folder/usr/local/bin/quadra"
    mount --rbind /dev "$root_folder/dev"
    mount --rbind /proc "$root_folder/proc"
    mount --rbind /sys "$root_folder/sys"
    if [[ -d /etc/ssl ]]; then
        mkdir -p "$root_folder/etc/ssl"
        mount --bind /etc/ssl "$root_folder/etc/ssl"
    fi
    exec chroot "$root_folder" /usr/bin/env -i PATH=/usr/bin:/bin /bin/bash /check/check.sh --in-root
fi

# ---------------------------------------------------------------------------------------------------------------
# Stages 1, 2 and 3 from the host.
script="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
repository="$(dirname "$(dirname "$script")")"
cd "$repository"
[[ $(id -u) == 0 ]] || fail "run as root: it uses a mount namespace and chroot"
for tool in unshare chroot readelf strip ldd dpkg systemd-analyze swiftc; do
    command -v "$tool" >/dev/null || fail "$tool is missing (systemd-analyze: apt-get install systemd)"
done
toolchain="$(dirname "$(dirname "$(dirname "$(readlink -f "$(command -v swiftc)")")")")"

binary=${1:-}
if [[ -z $binary ]]; then
    started=$SECONDS
    swift build -c release --static-swift-stdlib --product quadra
    echo "release build: $((SECONDS - started)) s"
    binary="$(swift build -c release --static-swift-stdlib --show-bin-path)/quadra"
fi
[[ -x $binary ]] || fail "$binary is not an executable"
echo "binary: $binary, $(stat -c %s "$binary") bytes"

# 1. What it loads.
libraries=$(ldd "$binary")
echo "$libraries"
grep -q 'not found' <<<"$libraries" && fail "a library is missing"
grep -qF "$toolchain" <<<"$libraries" && fail "it loads from the toolchain's folder $toolchain"
grep -Eq 'libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime|libicu.*swift' <<<"$libraries" &&
    fail "it loads a Swift library"
allowed='^(libxml2\.so\.2|libsqlite3\.so\.0|libz\.so\.1|libcrypto\.so\.3'
allowed+='|libc\.so\.6|libm\.so\.6|libdl\.so\.2|libpthread\.so\.0|librt\.so\.1|libutil\.so\.1|ld-linux-[a-z0-9_-]+\.so\.[0-9]'
allowed+='|libstdc\+\+\.so\.6|libgcc_s\.so\.1)$'
needed=$(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
for library in $needed; do
    [[ $library =~ $allowed ]] || fail "it needs $library, not one of libxml2, libsqlite3, zlib, libcrypto, libc"
done
echo "needs: $(tr '\n' ' ' <<<"$needed")"
packages=()
for path in $(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$libraries"); do
    package=""
    for candidate in "$path" "/usr$path" "${path#/usr}" "$(readlink -f "$path")"; do
        package=$(dpkg -S "$candidate" 2>/dev/null | head -1 | cut -d: -f1) && [[ -n $package ]] && break
    done
    [[ -n $package ]] || fail "$path belongs to no Debian package"
    packages+=("$package")
done
echo "Debian packages loaded: $(printf '%s\n' "${packages[@]}" | sort -u | tr '\n' ' ')"

# 2. The unit files.
verify=$(systemd-analyze verify Samples/deploy/quadra-night.service Samples/deploy/quadra-night.timer 2>&1) ||
    fail "systemd-analyze verify: $verify"
[[ -z $verify ]] || fail "systemd-analyze verify: $verify"
echo "systemd-analyze verify: the service and the timer are clean"

# 3. The root folder without the toolchain.
work=$(mktemp -d /tmp/quadra-static.XXXXXX)
root_folder="$work/root"
cleanup() {
    # The mounts live in the namespace only; refuse to delete through one all the same.
    if ! grep -qF " $work/" /proc/self/mounts; then rm -rf --one-file-system "$work"; fi
}
trap cleanup EXIT
mkdir -p "$root_folder"/{usr,etc,dev,proc,sys,tmp,root,srv,var/lib,check/goldens,check/deploy}
chmod 1777 "$root_folder/tmp"
for link in bin lib lib64 sbin; do [[ -L /$link ]] && ln -s "$(readlink "/$link")" "$root_folder/$link"; done
for file in passwd group nsswitch.conf hosts ld.so.cache ld.so.conf localtime; do
    [[ -e /etc/$file ]] && cp -P "/etc/$file" "$root_folder/etc/"
done
[[ -d /etc/ld.so.conf.d ]] && cp -r /etc/ld.so.conf.d "$root_folder/etc/"
# Installed as the README says (install -s strips the symbol tables and debug information).
install -m 0755 -s "$binary" "$root_folder/check/quadra"
echo "installed (stripped): $(stat -c %s "$root_folder/check/quadra") bytes"
cp "$script" "$root_folder/check/check.sh"
cp -r Tests/QuadraEndToEndTests/Fixtures/night-2026-11-21/. "$root_folder/check/goldens/"
cp Samples/deploy/* "$root_folder/check/deploy/"
# The control: a Swift program linked against the toolchain's shared libraries, as a plain `swiftc` makes it.
printf 'print("the Swift runtime was found")\n' >"$work/control.swift"
swiftc "$work/control.swift" -o "$root_folder/check/control"
"$root_folder/check/control" >/dev/null || fail "the control does not run even on the host"
started=$SECONDS
unshare --mount --propagation private bash "$script" --mount-and-enter "$root_folder"
echo "without the toolchain: every run as expected ($((SECONDS - started)) s)"
