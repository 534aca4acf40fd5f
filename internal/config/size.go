package config

import (
	"errors"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
)

// ParseSize reads a byte size: plain bytes, or a number with K, M, G, T (binary multiples,
// as operators mean them for upload limits), optionally followed by B or iB: 20M, 20MB, 20MiB, 512K, 1G.
func ParseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	if t == "" {
		return 0, errors.New("不能为空")
	}
	switch n := len(t); {
	case n > 2 && strings.HasSuffix(t, "IB") && strings.IndexByte("KMGT", t[n-3]) >= 0:
		t = t[:n-2]
	case strings.HasSuffix(t, "B"):
		t = t[:n-1]
	}
	mult := int64(1)
	if n := len(t); n > 0 {
		if i := strings.IndexByte("KMGT", t[n-1]); i >= 0 {
			mult = 1 << (10 * (i + 1))
			t = t[:n-1]
		}
	}
	// Only digits: no signs, spaces, fractions or hex, so "20 M" or "-1" are refused, not guessed.
	if t == "" || strings.TrimLeft(t, "0123456789") != "" {
		return 0, errors.New("应为字节数或带单位的大小，如 20M、512K、1G")
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n > math.MaxInt64/mult {
		return 0, errors.New("数值过大")
	}
	return n * mult, nil
}

// FormatSize writes n the way ParseSize reads it, in the largest exact unit.
func FormatSize(n int64) string {
	for i, u := range []string{"T", "G", "M", "K"} {
		m := int64(1) << (10 * (4 - i))
		if n != 0 && n%m == 0 {
			return strconv.FormatInt(n/m, 10) + u
		}
	}
	return strconv.FormatInt(n, 10)
}

type sizeFlag int64

func (f *sizeFlag) String() string { return FormatSize(int64(*f)) }
func (f *sizeFlag) Set(s string) error {
	n, err := ParseSize(s)
	if err != nil {
		return err
	}
	*f = sizeFlag(n)
	return nil
}

// ParseProxies reads a comma- or space-separated list of IPs and CIDRs.
func ParseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxies（FAZHI_TRUSTED_PROXIES）中的 %q 既不是 IP 也不是 CIDR", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
