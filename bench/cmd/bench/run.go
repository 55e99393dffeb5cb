package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// sample is what one run of one engine cost.
type sample struct {
	wall time.Duration
	cpu  time.Duration // user + system
	rss  int64         // peak resident set, KiB
	// others is the CPU time the rest of the machine used meanwhile: busy
	// time from /proc/stat minus the run's own.
	others time.Duration
}

// busy returns the machine's CPU busy time so far, from /proc/stat's cpu
// line (USER_HZ = 100 ticks per second); 0 when unreadable.
func busy() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	var ticks int64
	for i, v := range f[1:] {
		if i == 3 || i == 4 || i >= 8 { // idle, iowait; guest time is already in user
			continue
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}

// waitIdle waits until the rest of the machine uses less than
// busyThreshold of a core, sampled over half a second, for at most limit;
// it reports whether it is idle.
func waitIdle(limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for {
		before, start := busy(), time.Now()
		time.Sleep(500 * time.Millisecond)
		if (busy()-before).Seconds()/time.Since(start).Seconds() < busyThreshold {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Second)
	}
}

// measure runs argv as a child process in dir, with stdout and stderr to
// files under logDir, waits for it with wait4 and returns its wall time,
// CPU time and peak RSS from the kernel's rusage. A job server's share is
// added when srv is not nil. It fails when the process does not exit 0,
// quoting the end of its stderr.
func measure(argv []string, dir, logDir string, srv *jobServer) (sample, []byte, error) {
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return sample{}, nil, err
	}
	stdout, err := os.Create(filepath.Join(logDir, "stdout"))
	if err != nil {
		return sample{}, nil, err
	}
	defer stdout.Close()
	stderr, err := os.Create(filepath.Join(logDir, "stderr"))
	if err != nil {
		return sample{}, nil, err
	}
	defer stderr.Close()
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return sample{}, nil, err
	}
	defer devnull.Close()
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return sample{}, nil, err
	}
	var before serverUsage
	if srv != nil {
		if before, err = srv.usage(true); err != nil {
			return sample{}, nil, err
		}
	}
	busyBefore := busy()
	start := time.Now()
	p, err := os.StartProcess(path, argv, &os.ProcAttr{Dir: dir, Files: []*os.File{devnull, stdout, stderr}})
	if err != nil {
		return sample{}, nil, err
	}
	var status syscall.WaitStatus
	var ru syscall.Rusage
	for {
		_, err = syscall.Wait4(p.Pid, &status, 0, &ru)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	wall := time.Since(start)
	busyAfter := busy()
	p.Release()
	if err != nil {
		return sample{}, nil, fmt.Errorf("wait4: %w", err)
	}
	out, _ := os.ReadFile(stdout.Name())
	if !status.Exited() || status.ExitStatus() != 0 {
		errText, _ := os.ReadFile(stderr.Name())
		return sample{}, out, fmt.Errorf("%s: %s: %s", strings.Join(argv, " "), describe(status), tail(errText, 2000))
	}
	s := sample{wall: wall, cpu: tv(ru.Utime) + tv(ru.Stime), rss: ru.Maxrss}
	if srv != nil {
		after, err := srv.usage(false)
		if err != nil {
			return sample{}, out, err
		}
		s.cpu += after.cpu - before.cpu
		s.rss += after.peak
	}
	s.others = max(0, busyAfter-busyBefore-s.cpu)
	return s, out, nil
}

func tv(t syscall.Timeval) time.Duration {
	return time.Duration(t.Sec)*time.Second + time.Duration(t.Usec)*time.Microsecond
}

func describe(ws syscall.WaitStatus) string {
	if ws.Signaled() {
		return "killed by " + ws.Signal().String()
	}
	return "exit status " + strconv.Itoa(ws.ExitStatus())
}

func tail(b []byte, n int) string {
	b = bytes.TrimSpace(b)
	if len(b) > n {
		b = append([]byte("…"), b[len(b)-n:]...)
	}
	return string(b)
}

// jobServer is a standalone prism job server the portable runs are
// submitted to, on a loopback port.
type jobServer struct {
	cmd    *exec.Cmd
	port   int
	exited chan struct{} // closed when the process has exited
}

// startJobServer starts bin (prism) on a free loopback port, logging to
// logFile, and waits until the port accepts connections.
func startJobServer(bin, logFile string) (*jobServer, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	log, err := os.Create(logFile)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--job_port", strconv.Itoa(port), "--serve_http=false", "--log_level=warn")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, err
	}
	s := &jobServer{cmd: cmd, port: port, exited: make(chan struct{})}
	go func() {
		cmd.Wait()
		log.Close()
		close(s.exited)
	}()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	for deadline := time.Now().Add(30 * time.Second); ; {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return s, nil
		}
		select {
		case <-s.exited:
			return nil, fmt.Errorf("prism job server exited before accepting connections; see %s", logFile)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("prism job server: port %d refuses connections after 30 s; see %s", port, logFile)
		}
	}
}

// endpoint is the address runs are submitted to.
func (s *jobServer) endpoint() string { return "localhost:" + strconv.Itoa(s.port) }

// stop ends the server (its own process, by id): SIGTERM, then SIGKILL
// after 5 s.
func (s *jobServer) stop() {
	if s == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
}

// serverUsage is the job server's CPU time so far and its peak RSS (KiB)
// since the last reset.
type serverUsage struct {
	cpu  time.Duration
	peak int64
}

// usage reads the server's CPU time (utime + stime from /proc/PID/stat,
// in USER_HZ = 100 ticks per second) and peak RSS (VmHWM); reset clears
// the peak first (writing 5 to /proc/PID/clear_refs), so that the next
// reading is the peak of one run.
func (s *jobServer) usage(reset bool) (serverUsage, error) {
	pid := s.cmd.Process.Pid
	if reset {
		if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0); err != nil {
			return serverUsage{}, fmt.Errorf("job server: reset peak RSS: %w", err)
		}
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return serverUsage{}, fmt.Errorf("job server: %w", err)
	}
	// Fields after the command name, which ends at the last ')'.
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	if len(f) < 13 {
		return serverUsage{}, errors.New("job server: short /proc stat")
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	var u serverUsage
	u.cpu = time.Duration(utime+stime) * 10 * time.Millisecond
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return serverUsage{}, fmt.Errorf("job server: %w", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			u.peak, _ = strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return u, nil
}
