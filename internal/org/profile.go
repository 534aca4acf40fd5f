package org

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fazhi/fazhi/internal/fault"
)

// Profile is what an organ's documents print about it: 决定书 name the respondent's address and
// legal representative, receipts give the contact, the seal line names the seal.
type Profile struct {
	Address       string // 住所（地址）
	Postcode      string // 邮政编码
	Phone         string // 联系电话
	LegalRep      string // 法定代表人或者主要负责人
	LegalRepTitle string // 其职务，如 局长
	SealName      string // 印章名称；空为机关全称
}

// Trim removes the blanks a form leaves around each field.
func (p Profile) Trim() Profile {
	for _, f := range []*string{&p.Address, &p.Postcode, &p.Phone, &p.LegalRep, &p.LegalRepTitle, &p.SealName} {
		*f = strings.TrimSpace(*f)
	}
	return p
}

// Check answers every bad field in Chinese, beside its field (form names: address, postcode, …).
func (p Profile) Check() error {
	fe := &fault.Fields{}
	for _, f := range []struct {
		key, label, v string
		max           int
	}{
		{"address", "地址", p.Address, 80}, {"legal_rep", "法定代表人", p.LegalRep, 20},
		{"legal_rep_title", "职务", p.LegalRepTitle, 20}, {"seal_name", "印章名称", p.SealName, 60}, {"phone", "联系电话", p.Phone, 40},
	} {
		if utf8.RuneCountInString(f.v) > f.max {
			fe.Add(f.key, f.label+"不能超过"+strconv.Itoa(f.max)+"个字")
		}
	}
	if p.Postcode != "" && !sixDigits(p.Postcode) {
		fe.Add("postcode", "邮政编码应为6位数字")
	}
	if p.Phone != "" && !phoneLike(p.Phone) {
		fe.Add("phone", "联系电话只能含数字、空格、连字符、括号和顿号，如 0371-12345678")
	}
	return fe.Err()
}

func sixDigits(s string) bool {
	if len(s) != 6 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func phoneLike(s string) bool {
	digits := 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case strings.ContainsRune(" -()（）、,，转+", c):
		default:
			return false
		}
	}
	return digits >= 5
}
