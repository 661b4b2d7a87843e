#!/usr/bin/env bash
# Makes a small certificate authority and a server certificate signed by
# it, for a test or a small deployment of hoptacd's tls+tcp:// listener.
#
#   deploy/make-certs.sh DIR [NAME...]
#
# NAME: the host names (and IP addresses) offices use to reach the server;
# default: localhost, 127.0.0.1 and this machine's host name. The first
# is the certificate's common name. hoptac (mbedTLS) checks DNS names
# only: an office that dials an IP address sets HOPTAC_SERVER_NAME to one
# of the names.
#
# Writes into DIR (created, mode 0700):
#   ca.crt       the CA certificate: give it to every office (--ca or
#                HOPTAC_CA); it is public
#   ca.key       the CA's private key: keep it off the server, offline
#   server.crt   the server's certificate (tls_cert in hoptacd.conf)
#   server.key   its private key (tls_key), mode 0600
# An existing CA in DIR is reused, so a new server certificate can be
# made with the same CA; existing server files are replaced.
set -euo pipefail

if [[ $# -lt 1 ]]; then
	echo "usage: $0 DIR [NAME...]" >&2
	exit 2
fi
dir="$1"
shift
if [[ $# -eq 0 ]]; then
	set -- localhost 127.0.0.1 "$(hostname)"
fi
command -v openssl >/dev/null ||
	{ echo "make-certs: openssl is missing (deploy/install-deps.sh)" >&2; exit 1; }

mkdir -p "${dir}"
chmod 700 "${dir}"
umask 077

san=""
for name in "$@"; do
	if [[ "${name}" =~ ^[0-9.]+$ || "${name}" == *:* ]]; then
		san+="${san:+,}IP:${name}"
	else
		san+="${san:+,}DNS:${name}"
	fi
done

if [[ ! -s "${dir}/ca.key" || ! -s "${dir}/ca.crt" ]]; then
	openssl ecparam -name prime256v1 -genkey -noout -out "${dir}/ca.key"
	openssl req -x509 -new -key "${dir}/ca.key" -sha256 -days 3650 \
		-subj "/O=hoptac/CN=hoptac CA" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" \
		-out "${dir}/ca.crt"
fi

openssl ecparam -name prime256v1 -genkey -noout -out "${dir}/server.key"
openssl req -new -key "${dir}/server.key" -subj "/O=hoptac/CN=$1" \
	-out "${dir}/server.csr"
printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' \
	"${san}" >"${dir}/server.ext"
openssl x509 -req -in "${dir}/server.csr" -CA "${dir}/ca.crt" \
	-CAkey "${dir}/ca.key" -CAcreateserial -sha256 -days 825 \
	-extfile "${dir}/server.ext" -out "${dir}/server.crt" 2>/dev/null
rm -f "${dir}/server.csr" "${dir}/server.ext" "${dir}/ca.srl"
chmod 644 "${dir}/ca.crt" "${dir}/server.crt"
echo "make-certs: ${dir}/server.crt for $* signed by ${dir}/ca.crt"
