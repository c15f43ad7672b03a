#!/usr/bin/env python3
"""A stand-in for the Hugging Face Hub on 127.0.0.1, for the downloader tests.

Serves every folder below ROOT as a model repo "<org>/<name>" with the Hub's URL layout:
  GET /api/models/<org>/<name>/revision/main?blobs=true  -> {"siblings": [{"rfilename", "size",
      "blobId" (git blob sha1), "lfs": {"sha256", "size"} for files over 1 KiB}]}
  GET /<org>/<name>/resolve/main/<file>                  -> the bytes, with Range support
Faults, by repo name:
  test/gated    -> 401 everywhere
  test/flaky    -> the first GET of each file sends half of it, then drops the connection
  test/corrupt  -> the API advertises a wrong sha256 for model.safetensors
$MOCK_HUB_RATE (bytes a second), when set, slows every file down to that rate, so that a
download's progress can be watched.
Prints the port it listens on, then serves until killed. Stops by itself after 10 minutes.
"""
import hashlib, http.server, json, os, sys, threading, time, urllib.parse

ROOT = sys.argv[1]
RATE = int(os.environ.get("MOCK_HUB_RATE", "0"))
served_once = set()
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = urllib.parse.urlparse(self.path).path
        parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")]
        if len(parts) >= 2 and parts[0] == "api" and parts[1] == "models":
            repo = "/".join(parts[2:4])
        else:
            repo = "/".join(parts[0:2])
        if repo == "test/gated":
            return self.send_json(401, {"error": "Access to model test/gated is restricted."})
        folder = os.path.join(ROOT, repo)
        if ".." in parts or not os.path.isdir(folder):
            return self.send_json(404, {"error": "Repository not found"})
        if parts[0] == "api":
            siblings = []
            for name in sorted(os.listdir(folder)):
                data = open(os.path.join(folder, name), "rb").read()
                entry = {"rfilename": name, "size": len(data),
                         "blobId": hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()}
                if len(data) > 1024:
                    sha = hashlib.sha256(data).hexdigest()
                    if repo == "test/corrupt" and name == "model.safetensors":
                        sha = "0" * 64
                    entry["lfs"] = {"sha256": sha, "size": len(data), "pointerSize": 134}
                siblings.append(entry)
            return self.send_json(200, {"id": repo, "sha": "0" * 40, "siblings": siblings})
        if len(parts) < 5 or parts[2] != "resolve":
            return self.send_json(404, {"error": "Entry not found"})
        file = os.path.join(folder, parts[4])
        if not os.path.isfile(file):
            return self.send_json(404, {"error": "Entry not found"})
        data = open(file, "rb").read()
        start = 0
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes="):
            start = int(rng[6:].split("-")[0])
        body = data[start:]
        self.send_response(206 if start else 200)
        self.send_header("Content-Length", str(len(body)))
        if start:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
        self.end_headers()
        key = (repo, parts[4])
        with lock:
            drop = repo == "test/flaky" and key not in served_once and len(body) > 2
            served_once.add(key)
        if drop:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if not RATE:
            return self.wfile.write(body)
        step = 64 * 1024
        for i in range(0, len(body), step):
            self.wfile.write(body[i : i + step])
            time.sleep(step / RATE)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
threading.Timer(600, server.shutdown).start()
server.serve_forever()
