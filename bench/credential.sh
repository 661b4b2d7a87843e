# Sourced by the bench scripts before their server starts. A credential
# the calling environment holds is for another server.
unset HOPTAC_TOKEN HOPTAC_TOKEN_FILE

# hoptacd init on the bench database ($1).
bench_init() {
	"${build}/server/hoptacd" init -D "$1" -o "${dir}/admin.token" 2>/dev/null
}

# Once the server answers: a credential that may write for any unit and
# read everything (peer, reviewer, admin), in HOPTAC_TOKEN for the rest.
bench_credential() {
	HOPTAC_TOKEN="$(HOPTAC_TOKEN_FILE="${dir}/admin.token" "${hoptac[@]}" \
		admin issue --name bench --role peer,reviewer,admin 2>/dev/null)"
	export HOPTAC_TOKEN
}
