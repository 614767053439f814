#!/usr/bin/env python3
"""A registry front for podctl's tests, in front of a real docker-registry on loopback.

  registry_proxy.py token PORT UPSTREAM USER PASSWORD
      Docker Hub's bearer flow: /v2/ requests without a token get 401 with
      WWW-Authenticate: Bearer realm=".../token",service="podctl-test",scope="repository:NAME:pull";
      /token hands out a token (to USER:PASSWORD, or anonymously when USER is "-") as
      {"token": …, "access_token": …}; requests with it are passed to UPSTREAM.
  registry_proxy.py flaky PORT UPSTREAM
      Passes everything to UPSTREAM, but the first response for each blob is cut off halfway
      through (as a dropped connection), and Range requests are honoured by UPSTREAM.
"""
import base64
import http.server
import secrets
import sys
import urllib.error
import urllib.request

MODE, PORT, UPSTREAM = sys.argv[1], int(sys.argv[2]), sys.argv[3].rstrip("/")
USER, PASSWORD = (sys.argv[4], sys.argv[5]) if MODE == "token" else ("-", "")
TOKENS = set()
CUT = set()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if MODE == "token" and self.path.startswith("/token"):
            if USER != "-":
                expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    return self.reply(401, b'{"details":"incorrect username or password"}')
            token = secrets.token_hex(16)
            TOKENS.add(token)
            print("token issued for %s" % self.path, file=sys.stderr, flush=True)
            body = ('{"token": "%s", "access_token": "%s", "expires_in": 300}' % (token, token)).encode()
            return self.reply(200, body, [("Content-Type", "application/json")])
        if self.headers.get("Range"):
            print("range %s %s" % (self.headers["Range"], self.path), file=sys.stderr, flush=True)
        if MODE == "token":
            auth = self.headers.get("Authorization", "")
            if not (auth.startswith("Bearer ") and auth[7:] in TOKENS):
                name = self.path.split("/")[2:4]
                scope = "repository:%s:pull" % "/".join(name) if len(name) == 2 else ""
                challenge = 'Bearer realm="http://127.0.0.1:%d/token",service="podctl-test",scope="%s"' % (PORT, scope)
                return self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}', [("WWW-Authenticate", challenge)])
        self.forward()

    def forward(self):
        request = urllib.request.Request(UPSTREAM + self.path)
        for name in ("Accept", "Range"):
            if self.headers.get(name):
                request.add_header(name, self.headers[name])
        try:
            with urllib.request.urlopen(request) as response:
                body = response.read()
                status = response.status
                headers = [(k, v) for k, v in response.getheaders() if k.lower() not in ("content-length", "transfer-encoding", "connection")]
        except urllib.error.HTTPError as e:
            return self.reply(e.code, e.read(), [("Content-Type", "application/json")])
        if MODE == "flaky" and "/blobs/" in self.path and self.path not in CUT and len(body) > 1 and status == 200:
            CUT.add(self.path)
            print("cut %s at %d of %d bytes" % (self.path, len(body) // 2, len(body)), file=sys.stderr, flush=True)
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.reply(status, body, headers)


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
