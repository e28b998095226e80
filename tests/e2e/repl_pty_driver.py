#!/usr/bin/env python3
"""Drives `cvm repl` through a pseudo-terminal, as a person at a terminal would: Tab
completion of a parameter path and of a unit, a setting with units, a run and its
summary, a unit error that leaves the session going, Ctrl-C at the prompt and during a
run, the history file, and the history read back by the next session.

usage: repl_pty_driver.py CVM MODEL.cvm WORK_DIR
Exits 0 when every check passes; otherwise prints what was expected and the end of what
the terminal showed, and exits 1. Waits are bounded by generous timeouts (the machine is
slow and shared); no check depends on a fixed sleep.
"""
import fcntl
import os
import pty
import re
import select
import struct
import sys
import termios
import time

TIMEOUT = 180  # seconds for any one expected output (loading LibTorch can be slow)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>()][0-9A-Za-z]?|\x1b\][^\x07]*\x07|\r|\x07")


class Failure(Exception):
    pass


class Terminal:
    """A program running on a pseudo-terminal; its output is kept without escape codes."""

    def __init__(self, argv, env):
        pid, fd = pty.fork()
        if pid == 0:
            try:
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
        self.raw = b""
        self.seen = 0  # the next expect() looks after this point of the cleaned output
        self.status = None

    def text(self):
        return ANSI.sub("", self.raw.decode("utf-8", "replace"))

    def send(self, data):
        os.write(self.fd, data.encode())

    def _read(self, timeout):
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # EIO: the program has ended
            chunk = b""
        if not chunk:
            return False
        self.raw += chunk
        return True

    def expect(self, pattern, what, timeout=TIMEOUT):
        """Waits for `pattern` (a regex) after the last match; returns the match."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while True:
            m = regex.search(self.text(), self.seen)
            if m:
                self.seen = m.end()
                return m
            if time.monotonic() > deadline or not self._read(min(1.0, max(0.0, deadline - time.monotonic()))):
                if not (m := regex.search(self.text(), self.seen)):
                    raise Failure(f"{what}: expected /{pattern}/ within {timeout} s; the terminal showed:\n"
                                  + self.text()[-3000:])
                self.seen = m.end()
                return m

    def wait_for_mode(self, editing, what, timeout=TIMEOUT):
        """Waits until the line editor holds the terminal (`editing`: no canonical input, no
        signals from keys) or until it gave it back to a running command."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            lflag = termios.tcgetattr(self.fd)[3]
            if bool(lflag & termios.ICANON) != editing and bool(lflag & termios.ISIG) != editing:
                return
            self._read(0.05)
        raise Failure(f"{what}: the terminal mode did not change within {timeout} s; it showed:\n" + self.text()[-3000:])

    def prompt(self, pattern, what, timeout=TIMEOUT):
        """Waits for the prompt and for the line editor to read keys."""
        self.expect(pattern, what, timeout)
        self.wait_for_mode(True, what, timeout)

    def repeat_until(self, data, pattern, what, every=0.5, timeout=TIMEOUT):
        """Sends `data` every `every` seconds until `pattern` appears."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while time.monotonic() < deadline:
            self.send(data)
            stop = time.monotonic() + every
            while time.monotonic() < stop:
                self._read(0.1)
                m = regex.search(self.text(), self.seen)
                if m:
                    self.seen = m.end()
                    return m
        raise Failure(f"{what}: expected /{pattern}/ within {timeout} s; the terminal showed:\n" + self.text()[-3000:])

    def wait(self, what, timeout=TIMEOUT):
        """Waits for the program to end; returns its exit status."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._read(0.2)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
                return self.status
        raise Failure(f"{what}: the program did not end within {timeout} s; the terminal showed:\n" + self.text()[-3000:])

    def close(self):
        if self.status is None:
            try:
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
        os.close(self.fd)


def main():
    cvm, model, work = sys.argv[1:4]
    history = os.path.join(work, "history")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": work,  # no ~/.editrc of the person running the tests
        "TERM": "xterm",
        "CVM_HISTORY": history,
    }
    for key in ("CVM_STDLIB", "LD_LIBRARY_PATH"):
        if key in os.environ:
            env[key] = os.environ[key]
    prompt = r"cvm\[LNGain\]> "

    t = Terminal([cvm, "repl", model], env)
    try:
        t.expect(r"loaded .*ln\.cvm: model LNGain", "the model loads")
        t.prompt(prompt, "the first prompt")

        # Completion of a parameter path, one part at a time, then the description.
        t.send("p.lowpass.t\t")
        t.expect(r"tau", "Tab completes p.lowpass.t")
        t.send("\r")
        t.expect(r"lowpass\.tau = 0\.02 s \(20 ms\)\s+flat name\s+lowpass_tau", "p.lowpass.tau is described")
        t.prompt(prompt, "the prompt after the description")

        # A setting whose unit and path are completed.
        t.send("low\t")
        t.expect(r"lowpass\.", "Tab completes 'low' to the group 'lowpass.'")
        t.send("tau = 30 m\t")
        t.expect(r"ms", "Tab completes the unit 'm' to 'ms'")
        t.send("\r")
        t.expect(r"lowpass\.tau = 0\.03 s \(30 ms\)  \(set\)", "the setting with units is applied")
        t.prompt(prompt, "the prompt after the setting")

        # A run and its summary.
        t.send(":run moving_grating(t = 100, x = 10, y = 10) chunk 25\r")
        t.expect(r"model LNGain: 100 frames of 10x10", "the run's summary line")
        t.expect(r"response \[1, 1, 100, 10, 10\]\s+min \S+\s+mean \S+\s+max \S+", "the output's summary")
        t.prompt(prompt, "the prompt after the run")

        # A unit error: a diagnostic pointing into the line, and the session goes on.
        t.send("lowpass.tau = 3 deg\r")
        t.expect(r"<repl>:1:15: error: 'lowpass\.tau' must be a time, found a length \[E0401\]", "the unit error")
        t.expect(r"\^\^\^\^\^", "carets under the value")
        t.prompt(prompt, "the prompt after the error")
        t.send("lowpass.tau\r")
        t.expect(r"lowpass\.tau = 0\.03 s \(30 ms\)", "the value is unchanged after the error")
        t.prompt(prompt, "the prompt after the description")

        # Ctrl-C at the prompt abandons the line; the session goes on.
        t.send("gain = 7")
        t.send("\x03")
        t.expect(r"\^C", "Ctrl-C at the prompt")
        t.prompt(prompt, "a fresh prompt after Ctrl-C")
        t.send("gain\r")
        t.expect(r"gain = 2\s", "the abandoned line was not run")
        t.prompt(prompt, "the prompt after gain")

        # Ctrl-C during a long run stops it at a chunk boundary, not the session.
        t.send(":run moving_grating(t = 1000000, x = 40, y = 40) chunk 20\r")
        t.wait_for_mode(False, "the long run starts")
        t.repeat_until("\x03", r"interrupted \(Ctrl-C\) after \d+ of 1000000 frames", "Ctrl-C stops the run")
        t.prompt(prompt, "the prompt after the interrupted run")
        t.send("gain\r")
        t.expect(r"gain = 2\s", "the session goes on after the interrupted run")
        t.prompt(prompt, "the prompt")

        t.send(":quit\r")
        if t.wait(":quit") != 0:
            raise Failure(f":quit: exit status {t.status}")
    finally:
        t.close()

    with open(history) as f:
        lines = f.read().splitlines()
    for wanted in ("p.lowpass.tau", "lowpass.tau = 30 ms", ":run moving_grating(t = 100, x = 10, y = 10) chunk 25", ":quit"):
        if wanted not in lines:
            raise Failure(f"the history file lacks '{wanted}': {lines}")
    if "gain = 7" in lines:
        raise Failure(f"the line abandoned with Ctrl-C is in the history: {lines}")

    # The next session reads the history: the up arrow brings back ':quit', which ends it.
    t = Terminal([cvm, "repl", model], env)
    try:
        t.prompt(prompt, "the second session's prompt")
        t.send("\x1b[A")
        t.expect(r":quit", "the up arrow recalls the last line of the previous session")
        t.send("\r")
        if t.wait("the recalled :quit") != 0:
            raise Failure(f"recalled :quit: exit status {t.status}")
    finally:
        t.close()

    # Ctrl-D at an empty prompt leaves.
    t = Terminal([cvm, "repl"], env)
    try:
        t.prompt(r"cvm> ", "the prompt without a model")
        t.send("\x04")
        if t.wait("Ctrl-D") != 0:
            raise Failure(f"Ctrl-D: exit status {t.status}")
    finally:
        t.close()
    print("repl through a pty: ok")


if __name__ == "__main__":
    try:
        main()
    except Failure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
