package auth_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/ratelimit"
)

const goodPassword = "Correct#Horse9"

type fixture struct {
	db    *db.DB
	org   *org.Service
	auth  *auth.Service
	organ string
}

// newFixture opens a database with one organ; set adjusts the settings (nil: defaults).
func newFixture(t *testing.T, set func(*auth.Settings)) *fixture {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t)
	o := org.New(d)
	organ := &org.Organ{Code: "T001", Name: "测试县司法局", Kind: org.KindJustice, DivisionCode: "990101"}
	err := d.Tx(ctx, func(tx *db.Tx) error {
		if err := o.CreateDivision(ctx, tx, org.Division{Code: "990101", Name: "测试县", Level: org.County}); err != nil {
			return err
		}
		return o.CreateOrgan(ctx, tx, organ)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Load(ctx); err != nil {
		t.Fatal(err)
	}
	s := auth.DefaultSettings()
	if set != nil {
		set(&s)
	}
	return &fixture{db: d, org: o, auth: auth.New(d, o, s), organ: organ.ID}
}

func (f *fixture) user(t *testing.T, username string, roles ...auth.Role) string {
	t.Helper()
	ctx := context.Background()
	var ms []auth.Membership
	for _, r := range roles {
		ms = append(ms, auth.Membership{OrganID: f.organ, Role: r})
	}
	var id string
	err := f.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = f.auth.CreateUser(ctx, tx, auth.NewUser{Username: username, Name: "测试" + username, OrganID: f.organ, Password: goodPassword, Memberships: ms})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func noLimits(s *auth.Settings) { s.LoginPerIP, s.LoginPerUser = ratelimit.Rule{}, ratelimit.Rule{} }

// Issue 10, item 2: parallel wrong passwords each count, so the account ends locked.
// Before the fix Login read failed_logins outside the transaction and wrote back old+1:
// 50 parallel guesses all wrote 1 and the account never locked.
func TestParallelWrongPasswordsLock(t *testing.T) {
	// A hash that takes a few milliseconds: the guesses overlap as they do against a server.
	auth.UseHashCost(t, 4*1024, 1)
	f := newFixture(t, noLimits)
	id := f.user(t, "zhangsan")
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.auth.Login(ctx, "zhangsan", "Wrong#Guess123", "10.0.0.1", "test", "")
			if !errors.Is(err, auth.ErrBadCredentials) && !errors.Is(err, auth.ErrLocked) { // the answer itself: TestLockedAndDisabledLookLikeWrongPassword
				t.Errorf("错误密码：%v", err)
			}
		}()
	}
	wg.Wait()
	var locked string
	if err := f.db.QueryRowContext(ctx, `SELECT locked_until FROM users WHERE id = ?`, id).Scan(&locked); err != nil {
		t.Fatal(err)
	}
	if locked == "" {
		t.Fatalf("50 次并发错误密码后账户未锁定（%s）", dbtest.Engine())
	}
	if _, err := f.auth.Login(ctx, "zhangsan", goodPassword, "10.0.0.1", "test", ""); !errors.Is(err, auth.ErrLocked) {
		t.Fatalf("锁定期间正确密码应答账户已锁定，得到 %v", err)
	}
}

// Issue 10, item 4: until the password is right, a locked or disabled account answers exactly
// like a wrong password; only the right password learns that it is locked or disabled.
func TestLockedAndDisabledLookLikeWrongPassword(t *testing.T) {
	auth.UseHashCost(t, 0, 0)
	f := newFixture(t, func(s *auth.Settings) { noLimits(s); s.MaxFailures = 2 })
	ctx := context.Background()
	f.user(t, "lisi")
	dis := f.user(t, "wangwu")
	login := func(u, pw string) error {
		_, err := f.auth.Login(ctx, u, pw, "10.0.0.2", "test", "")
		return err
	}
	for i := 0; i < 2; i++ {
		if err := login("lisi", "Wrong#Guess123"); err != auth.ErrBadCredentials {
			t.Fatalf("第 %d 次错误密码：%v", i+1, err)
		}
	}
	if err := login("lisi", "Wrong#Guess123"); err != auth.ErrBadCredentials {
		t.Fatalf("已锁定账户的错误密码应与普通错误密码相同，得到 %v", err)
	}
	if err := login("nosuchuser", "Wrong#Guess123"); err != auth.ErrBadCredentials {
		t.Fatalf("不存在的账户：%v", err)
	}
	if err := login("lisi", goodPassword); !errors.Is(err, auth.ErrLocked) {
		t.Fatalf("已锁定账户的正确密码应说明已锁定，得到 %v", err)
	}
	if err := f.auth.SetLocked(ctx, dis, true); err != nil {
		t.Fatal(err)
	}
	if err := login("wangwu", "Wrong#Guess123"); err != auth.ErrBadCredentials {
		t.Fatalf("已停用账户的错误密码应与普通错误密码相同，得到 %v", err)
	}
	if err := login("wangwu", goodPassword); !errors.Is(err, auth.ErrDisabled) {
		t.Fatalf("已停用账户的正确密码应说明已停用，得到 %v", err)
	}
}

// Issue 10, item 1: the login limits are counted in the database per user name and per address.
func TestLoginRateLimits(t *testing.T) {
	auth.UseHashCost(t, 0, 0)
	f := newFixture(t, func(s *auth.Settings) {
		s.LoginPerUser = ratelimit.Rule{Max: 3, Window: time.Minute}
		s.LoginPerIP = ratelimit.Rule{Max: 5, Window: time.Minute}
	})
	ctx := context.Background()
	f.user(t, "zhaoliu")
	// What the login form does: throttle, then check the password.
	login := func(ctx context.Context, username, password, ip, ua, old string) (string, error) {
		if err := f.auth.ThrottleLogin(ctx, ip, username); err != nil {
			return "", err
		}
		return f.auth.Login(ctx, username, password, ip, ua, old)
	}
	for i := 0; i < 3; i++ {
		login(ctx, "ghost", "x", "10.0.0.3", "", "")
	}
	_, err := login(ctx, "ghost", "x", "10.0.0.4", "", "")
	var rl *auth.RateLimitedError
	if !errors.As(err, &rl) || rl.Retry <= 0 {
		t.Fatalf("同一用户名第 4 次应被限制，得到 %v", err)
	}
	// Another name from the first address: that address has used 3 of 5 (+1 refused above from .4).
	login(ctx, "ghost2", "x", "10.0.0.3", "", "")
	login(ctx, "ghost3", "x", "10.0.0.3", "", "")
	if _, err := login(ctx, "zhaoliu", goodPassword, "10.0.0.3", "", ""); !errors.Is(err, auth.ErrRateLimited) {
		t.Fatalf("同一地址第 6 次应被限制，得到 %v", err)
	}
	if _, err := login(ctx, "zhaoliu", goodPassword, "10.0.0.5", "", ""); err != nil {
		t.Fatalf("另一地址的正常登录不受影响：%v", err)
	}
	var n int
	if err := f.db.QueryRowContext(ctx, `SELECT count FROM rate_limits WHERE key = ?`, "login:user:ghost").Scan(&n); err != nil || n != 4 {
		t.Fatalf("计数应在数据库中：%d %v", n, err)
	}
}

// A login waiting for a hash slot gives up when its client leaves, or after the wait.
func TestLoginQueueGivesUp(t *testing.T) {
	auth.UseHashCost(t, 0, 0)
	auth.UseHashLimit(t, 1, 200*time.Millisecond)
	f := newFixture(t, noLimits)
	f.user(t, "sunqi")
	release := auth.HoldHashSlot(t)
	defer release()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if _, err := f.auth.Login(ctx, "sunqi", goodPassword, "10.0.0.6", "", ""); !errors.Is(err, auth.ErrGaveUp) {
		t.Fatalf("客户端离开后应放弃排队，得到 %v", err)
	}
	if _, err := f.auth.Login(context.Background(), "sunqi", goodPassword, "10.0.0.6", "", ""); !errors.Is(err, auth.ErrBusy) {
		t.Fatalf("排队超时应答系统繁忙，得到 %v", err)
	}
	release()
	if _, err := f.auth.Login(context.Background(), "sunqi", goodPassword, "10.0.0.6", "", ""); err != nil {
		t.Fatalf("空出后应能登录：%v", err)
	}
}

// Issue 10, item 1: 200 parallel logins with random user names, at the real argon2id memory
// cost (64 MiB; one pass to keep the test short — passes do not change memory), never run more
// hashes at once than the gate's slots, and the heap stays within slots × 64 MiB plus slack
// (the GC lets freed blocks pile up before it runs). Logins that wait longer than the gate's
// wait are shed with ErrBusy: also a correct answer under a flood.
// Before the gate every login allocated its 64 MiB at once: 200 × 64 MiB = 12.5 GiB.
func TestLoginFloodBoundsMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("短测试跳过")
	}
	const slots, logins = 2, 200
	const budget = 600 << 20
	auth.UseHashCost(t, 64*1024, 1)
	auth.UseHashLimit(t, slots, 3*time.Second)
	f := newFixture(t, noLimits)
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)

	var peakHeap, peakSys uint64
	var peakRunning int64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peakHeap, peakSys = max(peakHeap, ms.HeapInuse), max(peakSys, ms.Sys)
			peakRunning = max(peakRunning, auth.HashRunning())
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	var wg sync.WaitGroup
	var checked, busy atomic.Int32
	start := time.Now()
	for i := 0; i < logins; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.auth.Login(context.Background(), fmt.Sprintf("flood%d_%d", i, time.Now().UnixNano()%1e6), "Wrong#Guess123", fmt.Sprintf("10.1.%d.%d", i/250, i%250), "", "")
			switch {
			case errors.Is(err, auth.ErrBadCredentials):
				checked.Add(1)
			case errors.Is(err, auth.ErrBusy):
				busy.Add(1)
			default:
				t.Errorf("登录 %d：%v", i, err)
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-sampled
	growth := int64(peakHeap) - int64(base.HeapInuse)
	t.Logf("%d 次并发登录用时 %v（核验 %d 次，繁忙拒绝 %d 次）；同时运行的哈希最多 %d 个（门限 %d）；堆峰值增长 %d MiB（HeapInuse 峰值 %d MiB，Sys 峰值 %d MiB）",
		logins, time.Since(start).Round(time.Millisecond), checked.Load(), busy.Load(), auth.HashPeak(), slots, growth>>20, peakHeap>>20, peakSys>>20)
	if p := auth.HashPeak(); p > slots || peakRunning > slots {
		t.Errorf("同时运行的哈希 %d 个，超过门限 %d", max(p, peakRunning), slots)
	}
	if checked.Load() < slots {
		t.Errorf("只核验了 %d 次", checked.Load())
	}
	if growth > budget {
		t.Errorf("堆增长 %d MiB，超过预算 %d MiB", growth>>20, budget>>20)
	}
}
