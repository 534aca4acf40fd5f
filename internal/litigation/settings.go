package litigation

import "github.com/fazhi/fazhi/internal/settings"

// The organ settings of 行政应诉 (legal-rules-2 a.6: choices the law does not make).
var (
	settingDraftDays = settings.Def{Key: "litigation.draft_days", Name: "答辩状初稿报司法局（收到起诉状副本后第N日）", Unit: "日",
		Default: RuleDraft.Length, Min: 1, Max: RuleAnswer.Length - 1, Basis: "fazhi 默认（legal-rules-2 a.6.1），法定答辩期限为15日（行政诉讼法第六十七条）"}
	settingCountChanged = settings.Def{Key: "litigation.count_changed_withdrawal", Name: "被告改变行为后撤诉计入败诉（实质败诉）", Unit: "（1 是，0 否）",
		Kind: settings.Bool, Default: 0, Basis: "fazhi 默认不计入（legal-rules-2 a.6.3）；各地考核口径不一"}
)

// SettingDefs lists the module's settings.
func SettingDefs() []settings.Def { return []settings.Def{settingDraftDays, settingCountChanged} }
