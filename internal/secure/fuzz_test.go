package secure

import (
	"math/big"
	"regexp"
	"strings"
	"testing"
	"time"
)

var (
	refID   = regexp.MustCompile(`^[0-9]{17}[0-9X]$`)
	refUSCC = regexp.MustCompile(`^[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}$`)
)

// refIDNumber is GB 11643 written independently of ValidateIDNumber: regexp for the form,
// time.Parse for the date, the weights computed as 2^(17-i) mod 11 with math/big.
func refIDNumber(s string) bool {
	if !refID.MatchString(s) || !provinceCodes[s[:2]] {
		return false
	}
	birth, err := time.ParseInLocation("20060102", s[6:14], beijing)
	if err != nil || birth.Year() < 1800 {
		return false
	}
	ty, tm, td := now().In(beijing).Date()
	if birth.After(time.Date(ty, tm, td, 0, 0, 0, 0, beijing)) {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		w := new(big.Int).Exp(big.NewInt(2), big.NewInt(int64(17-i)), big.NewInt(11)).Int64()
		sum += int(s[i]-'0') * int(w)
	}
	return s[17] == "10X98765432"[sum%11]
}

// refUSCCCode is GB 32100 written independently: weights 3^i mod 31 with math/big.
func refUSCCCode(s string) bool {
	const set = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	if !refUSCC.MatchString(s) {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		w := new(big.Int).Exp(big.NewInt(3), big.NewInt(int64(i)), big.NewInt(31)).Int64()
		sum += strings.IndexByte(set, s[i]) * int(w)
	}
	return s[17] == set[(31-sum%31)%31]
}

func FuzzValidateIDNumber(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "110105194912310021", "11010519491231002x", "440524188001010014",
		"", "123", "99010519491231002X", "11010519490231002X", "1101051949123100２X", "11010520991231002X", "\xff\xfe0519491231002X"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := ValidateIDNumber(s) == nil
		if want := refIDNumber(s); got != want {
			t.Fatalf("ValidateIDNumber(%q) ok=%v, reference says %v", s, got, want)
		}
		if got {
			if m := MaskIDNumber(s); len(m) != len(s) || m[:6] != s[:6] || m[14:] != s[14:] {
				t.Fatalf("MaskIDNumber(%q) = %q", s, m)
			}
		}
	})
}

func FuzzValidateUSCC(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "91350100M000100Y44", "91110000600037341L", "", "9135010OM000100Y43",
		"91350100M000100Y4", "ＡＢ350100M000100Y43", "91350100m000100y43"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := ValidateUSCC(s) == nil
		if want := refUSCCCode(s); got != want {
			t.Fatalf("ValidateUSCC(%q) ok=%v, reference says %v", s, got, want)
		}
		if n := NormalizeCode(s); ValidateUSCC(n) == nil && n != NormalizeCode(n) {
			t.Fatalf("NormalizeCode not idempotent on %q", s)
		}
	})
}
