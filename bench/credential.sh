# Sourced by the bench scripts before their server starts. A credential
# the calling environment holds is for another server.
unset HOPTAC_TOKEN HOPTAC_TOKEN_FILE

# hoptacd init on the bench database $1; the administrator's token in
# $1.token.
bench_init() {
	"${build}/server/hoptacd" init -D "$1" -o "$1.token" 2>/dev/null
}

# Once the server of database $1 answers on ${hoptac[@]}: a credential
# that may write for any unit and read everything (peer, reviewer,
# admin), in HOPTAC_TOKEN for the rest.
bench_credential() {
	HOPTAC_TOKEN="$(HOPTAC_TOKEN_FILE="$1.token" "${hoptac[@]}" \
		admin issue --name bench --role peer,reviewer,admin 2>/dev/null)"
	export HOPTAC_TOKEN
}
