package server

import (
	"context"
	"time"
)

// Ready waits until MongoDB answers (or ctx ends) and returns why it does
// not: a command that starts the server and announces it waits here first,
// so the first page a user opens is served, not a 503.
func (s *Server) Ready(ctx context.Context) error {
	for {
		_, err := s.mongo.get()
		if err == nil || err == errNoMongo {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(50 * time.Millisecond):
		}
	}
}
