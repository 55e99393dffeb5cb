package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/beamline/beamline/internal/publish"
)

// apiError is an error the client is told about: {"error", "detail"} with
// its HTTP status.
type apiError struct {
	Status int    `json:"-"`
	Err    string `json:"error"`
	Detail string `json:"detail"`
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Err, e.Detail) }

// badParam is a 400 naming the parameter and what was expected of it.
func badParam(name, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Err: "invalid " + name,
		Detail: name + ": " + fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusNotFound, Err: "not found", Detail: fmt.Sprintf(format, args...)}
}

// unavailable is a 503: MongoDB cannot be reached right now.
func unavailable(cause error) *apiError {
	return &apiError{Status: http.StatusServiceUnavailable, Err: "MongoDB unavailable", Detail: cause.Error()}
}

// handleError renders every error as {"error", "detail"}. Errors the
// handlers did not classify are 500s whose cause goes to the log only.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		// A stream already under way (an export) cannot change its status.
		s.log.Warn("error after the response started", "method", c.Request().Method, "path", c.Request().URL.Path, "error", err)
		return
	}
	e := s.classify(err)
	if e.Status >= 500 && e.Status != http.StatusServiceUnavailable { // 503s say why themselves
		s.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path,
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID), "error", err)
	}
	if c.Request().Method == http.MethodHead {
		err = c.NoContent(e.Status)
	} else {
		err = c.JSON(e.Status, e)
	}
	if err != nil {
		s.log.Warn("writing an error response", "error", err)
	}
}

// classify maps an error to what the client is told.
func (s *Server) classify(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return notFound("no such route")
		case http.StatusMethodNotAllowed:
			return &apiError{Status: he.Code, Err: "method not allowed", Detail: "this route does not answer this method; the Allow header lists those it does"}
		case http.StatusRequestEntityTooLarge:
			return &apiError{Status: he.Code, Err: "request too large", Detail: "request bodies are limited to 64 KiB"}
		}
		if he.Code < 500 {
			return &apiError{Status: he.Code, Err: http.StatusText(he.Code), Detail: fmt.Sprint(he.Message)}
		}
	}
	switch {
	case errors.Is(err, publish.ErrNoDataset):
		return notFound("%v", err)
	case errors.Is(err, publish.ErrNoRun):
		return notFound("%v", err)
	case unreachable(err):
		s.mongo.failed(err)
		return unavailable(err)
	case errors.Is(err, context.DeadlineExceeded):
		return &apiError{Status: http.StatusServiceUnavailable, Err: "timeout", Detail: err.Error()}
	case errors.Is(err, context.Canceled):
		return &apiError{Status: http.StatusServiceUnavailable, Err: "canceled", Detail: "the request was canceled"}
	}
	return &apiError{Status: http.StatusInternalServerError, Err: "internal error",
		Detail: "the request failed; the server log has the cause"}
}
