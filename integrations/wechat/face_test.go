package wechat_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"zerovisit/integrations/wechat"
	"zerovisit/integrations/wechat/sandbox"
	"zerovisit/workflow"
)

const (
	faceName = "张三"
	faceID   = "33010619850312123X"
)

func TestFaceResult(t *testing.T) {
	f := newFixture(t)
	ctx := ctxT(t)
	t.Run("Passed", func(t *testing.T) {
		before := time.Now().Add(-time.Minute)
		vr, err := f.sb.FaceCheck(sandbox.FaceCheck{OpenID: "o-alice", Name: faceName, IDNumber: faceID, Outcome: sandbox.FacePassed})
		if err != nil {
			t.Fatal(err)
		}
		r, err := f.client.FaceResult(ctx, vr)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Passed || r.Ret != 0 || r.OpenID != "o-alice" {
			t.Errorf("result = %+v, want passed for o-alice", r)
		}
		if r.FinishedAt.Before(before) || r.IdentifiedAt.After(r.FinishedAt) {
			t.Errorf("identified %v, finished %v: want recent, in order", r.IdentifiedAt, r.FinishedAt)
		}
		if !r.Matches(faceName, faceID) || !r.Matches(" 张三 ", strings.ToLower(faceID)) {
			t.Errorf("result does not match the person checked: %+v", r)
		}
		if r.Matches("张四", faceID) || r.Matches(faceName, "330106199007014562") {
			t.Error("result matches another person")
		}
		n, id := wechat.FaceDigests(faceName, faceID)
		if r.NameMD5 != n || r.IDNumberMD5 != id {
			t.Errorf("digests = %s %s, want %s %s", r.NameMD5, r.IDNumberMD5, n, id)
		}
		again, err := f.client.FaceResult(ctx, vr)
		if err != nil || again != r {
			t.Errorf("second look-up = %+v, %v; want the same result", again, err)
		}
	})
	t.Run("Failed", func(t *testing.T) {
		vr, _ := f.sb.FaceCheck(sandbox.FaceCheck{OpenID: "o-bob", Name: "李四", IDNumber: faceID, Outcome: sandbox.FaceFailed})
		r, err := f.client.FaceResult(ctx, vr)
		if err != nil {
			t.Fatal(err)
		}
		if r.Passed || r.Ret != sandbox.FaceFailedRet || r.OpenID != "o-bob" {
			t.Errorf("result = %+v, want failed for o-bob", r)
		}
	})
	t.Run("Expired", func(t *testing.T) {
		vr, _ := f.sb.FaceCheck(sandbox.FaceCheck{OpenID: "o-alice", Name: faceName, IDNumber: faceID, Outcome: sandbox.FaceExpired})
		if _, err := f.client.FaceResult(ctx, vr); !errors.Is(err, wechat.ErrFaceExpired) {
			t.Errorf("expired check: %v, want ErrFaceExpired", err)
		}
	})
	t.Run("ExpiredLater", func(t *testing.T) {
		vr, _ := f.sb.FaceCheck(sandbox.FaceCheck{OpenID: "o-alice", Name: faceName, IDNumber: faceID, Outcome: sandbox.FacePassed})
		f.sb.ExpireFaceChecks()
		if _, err := f.client.FaceResult(ctx, vr); !errors.Is(err, wechat.ErrFaceExpired) {
			t.Errorf("check after expiry: %v, want ErrFaceExpired", err)
		}
	})
	t.Run("Unknown", func(t *testing.T) {
		for _, vr := range []string{"vr0000", "not-a-verify-result"} {
			_, err := f.client.FaceResult(ctx, vr)
			if !errors.Is(err, wechat.ErrFaceInvalid) {
				t.Errorf("verifyResult %q: %v, want ErrFaceInvalid", vr, err)
			}
			if errors.Is(err, wechat.ErrFaceExpired) {
				t.Errorf("verifyResult %q: an unknown check is not an expired one", vr)
			}
		}
	})
	t.Run("EmptyNotSent", func(t *testing.T) {
		before := len(f.sb.Recorder.Requests())
		if _, err := f.client.FaceResult(ctx, "  "); !errors.Is(err, wechat.ErrFaceInvalid) {
			t.Errorf("empty verifyResult: %v, want ErrFaceInvalid", err)
		}
		if got := len(f.sb.Recorder.Requests()); got != before {
			t.Errorf("%d requests sent for an empty verifyResult", got-before)
		}
	})
}

func TestFaceResult_TokenExpiredRefreshedOnce(t *testing.T) {
	f := newFixture(t)
	ctx := ctxT(t)
	vr, _ := f.sb.FaceCheck(sandbox.FaceCheck{OpenID: "o-alice", Name: faceName, IDNumber: faceID, Outcome: sandbox.FacePassed})
	if _, err := f.client.FaceResult(ctx, vr); err != nil {
		t.Fatal(err)
	}
	f.sb.ExpireTokens()
	if r, err := f.client.FaceResult(ctx, vr); err != nil || !r.Passed {
		t.Fatalf("after the token expired: %+v, %v (want a refresh and retry)", r, err)
	}
}

func TestFaceResult_Unavailable(t *testing.T) {
	f := newFixture(t)
	ctx := ctxT(t)
	vr, _ := f.sb.FaceCheck(sandbox.FaceCheck{OpenID: "o-alice", Name: faceName, IDNumber: faceID, Outcome: sandbox.FacePassed})
	if _, err := f.client.FaceResult(ctx, vr); err != nil { // fetches the token
		t.Fatal(err)
	}
	f.sb.Faults.FailNext(1, 503)
	_, err := f.client.FaceResult(ctx, vr)
	if !errors.Is(err, workflow.ErrUnavailable) {
		t.Fatalf("WeChat down: %v, want ErrUnavailable", err)
	}
	if containsAny(err.Error(), "access_token", vr) {
		t.Errorf("error leaks the request: %s", err)
	}
}

func TestFaceCheck_Refused(t *testing.T) {
	f := newFixture(t)
	for _, c := range []sandbox.FaceCheck{
		{Name: faceName, IDNumber: faceID, Outcome: sandbox.FacePassed},
		{OpenID: "o", IDNumber: faceID, Outcome: sandbox.FacePassed},
		{OpenID: "o", Name: faceName, Outcome: sandbox.FacePassed},
		{OpenID: "o", Name: faceName, IDNumber: faceID, Outcome: "maybe"},
	} {
		if _, err := f.sb.FaceCheck(c); !errors.Is(err, sandbox.ErrBadFaceCheck) {
			t.Errorf("FaceCheck(%+v): %v, want ErrBadFaceCheck", c, err)
		}
	}
}
