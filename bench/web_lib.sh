# shellcheck shell=bash
# Sourced by the bench scripts that load hoptac-web's pages (web.sh,
# reporting.sh): signing in through the form, and a page's time at the
# server from the access log.

# Signs in to the hoptac-web on port $1 with credential $2 through its
# form; prints the session's cookie.
bench_web_sign_in() {
	python3 - "$1" "$2" <<'PY'
import http.client, re, sys, urllib.parse
port, token = int(sys.argv[1]), sys.argv[2]
c = http.client.HTTPConnection("127.0.0.1", port)
c.request("GET", "/dang-nhap")
r = c.getresponse()
body = r.read().decode()
cookie = r.getheader("Set-Cookie").split(";")[0]
csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', body).group(1)
c = http.client.HTTPConnection("127.0.0.1", port)
c.request("POST", "/dang-nhap", urllib.parse.urlencode({"ma": token, "csrf": csrf}),
          {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
r = c.getresponse()
r.read()
assert r.status == 303, r.status
print(r.getheader("Set-Cookie").split(";")[0])
PY
}

# Loads path $3 five times from the hoptac-web on port $1 with cookie $2
# (each must answer 200 with a table of figures), and prints the median
# time the server took, in ms, from its access log $4 (its last field),
# and the rows of the page's table.
bench_web_page_ms() {
	python3 - "$1" "$2" "$3" <<'PY'
import http.client, sys
port, cookie, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
for _ in range(5):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    c.request("GET", path, headers={"Cookie": cookie})
    r = c.getresponse()
    body = r.read().decode()
    assert r.status == 200, (path, r.status)
    assert "<table" in body, path
print(body.count("<tr") - body.count("<thead"), end=" ")
PY
	echo -n "rows, "
	tail -n 5 "$4" | awk '{print $NF}' | sort -n | sed -n 3p
}
