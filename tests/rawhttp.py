"""rawhttp.py: one raw HTTP exchange for the framing tests of http.bats.

send(port, data) writes data on a new connection to 127.0.0.1:port and
returns every byte answered until the server closes, with "<STILL OPEN>"
appended when it did not close within 3 s and "<RESET>" when it reset.
"""
import socket


def send(port, data):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(3)
    try:
        s.sendall(data)
    except OSError:
        pass
    out = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except socket.timeout:
        out += b"<STILL OPEN>"
    except ConnectionResetError:
        out += b"<RESET>"
    s.close()
    return out
