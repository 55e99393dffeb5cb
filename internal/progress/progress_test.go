package progress

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"testing"
	"time"
)

// TestReporterLines checks that a Reporter sends one JSON line per stage
// change, repeats the current stage while it lasts, carries the counters
// and the cause of a failure, and ends exactly once.
func TestReporterLines(t *testing.T) {
	pr, pw := io.Pipe()
	lines := make(chan Update, 100)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var u Update
			if err := json.Unmarshal(sc.Bytes(), &u); err != nil {
				t.Errorf("line %q: %v", sc.Text(), err)
			}
			lines <- u
		}
		close(lines)
	}()
	Read.Store(0)
	Written.Store(0)
	r := New(pw, "sales", "sales-1")
	r.Stage(Running)
	Read.Add(42)
	time.Sleep(3 * Interval)
	Written.Add(7)
	r.Stage(Committing)
	r.End(Failed, errors.New("commit to out: disk full"))
	r.End(Done, nil) // ignored
	pw.Close()

	var got []Update
	for u := range lines {
		got = append(got, u)
	}
	if len(got) < 4 {
		t.Fatalf("got %d lines, want the two stages, at least one repeat and the end: %+v", len(got), got)
	}
	if got[0].Stage != Running || got[0].Pipeline != "sales" || got[0].Run != "sales-1" {
		t.Errorf("first line %+v", got[0])
	}
	repeats := 0
	for _, u := range got[1 : len(got)-2] {
		if u.Stage == Running && u.Read == 42 {
			repeats++
		}
	}
	if repeats == 0 {
		t.Errorf("no repeated running line with read=42: %+v", got)
	}
	last := got[len(got)-1]
	if last.Stage != Failed || last.Error != "commit to out: disk full" || last.Written != 7 || last.Read != 42 {
		t.Errorf("last line %+v", last)
	}
	for _, u := range got {
		if u.Stage == Done {
			t.Errorf("a second End was reported: %+v", u)
		}
	}
}

// TestNilReporter: pipelines run by hand have no reporter; its methods must
// be safe.
func TestNilReporter(t *testing.T) {
	t.Setenv(FDEnv, "")
	r := FromEnv("sales", "x")
	if r != nil {
		t.Fatal("reporter without " + FDEnv)
	}
	r.Stage(Running)
	r.End(Done, nil)
	t.Setenv(FDEnv, "1")
	if FromEnv("sales", "x") != nil {
		t.Error("stdout accepted as the progress descriptor")
	}
}
