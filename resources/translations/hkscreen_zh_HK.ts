<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_HK">
<context>
    <name>Columns</name>
    <message>
        <source>Columns of the input file</source>
        <translation>輸入檔案的欄位</translation>
    </message>
</context>
<context>
    <name>EccnBrowser</name>
    <message>
        <source>Find an ECCN or words in its heading (e.g. 3A090, cameras)</source>
        <translation>搜尋 ECCN 或標題字詞（例如 3A090、cameras）</translation>
    </message>
    <message>
        <source>ECCN</source>
        <translation>ECCN</translation>
    </message>
    <message>
        <source>Heading</source>
        <translation>標題</translation>
    </message>
    <message>
        <source>Reasons</source>
        <translation>管制原因</translation>
    </message>
    <message>
        <source>Supp. No. 2 (744.21)</source>
        <translation>第744部分補編2（744.21）</translation>
    </message>
    <message>
        <source>In force from</source>
        <translation>生效日期</translation>
    </message>
    <message>
        <source>Edition</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Requirement</source>
        <translation>許可要求</translation>
    </message>
    <message>
        <source>Paragraphs</source>
        <translation>段落</translation>
    </message>
    <message>
        <source>Scope (the regulation&apos;s words)</source>
        <translation>範圍（法規原文）</translation>
    </message>
    <message>
        <source>From</source>
        <translation>由</translation>
    </message>
    <message>
        <source>To</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Citation</source>
        <translation>出處</translation>
    </message>
    <message>
        <source> Points to the USML (ITAR).</source>
        <translation> 指向美國軍火清單（ITAR）。</translation>
    </message>
    <message>
        <source>List based license exceptions</source>
        <translation>按清單的許可例外</translation>
    </message>
    <message>
        <source>No paragraph text in the edition for this entry.</source>
        <translation>此版本沒有此條目的段落文字。</translation>
    </message>
</context>
<context>
    <name>HeaderPage</name>
    <message>
        <source>Confirm the header row</source>
        <translation>確認標題列</translation>
    </message>
    <message>
        <source>Header row:</source>
        <translation>標題列：</translation>
    </message>
    <message>
        <source>(detected automatically)</source>
        <translation>（自動偵測）</translation>
    </message>
    <message>
        <source>No header recognised: choose it, then map the columns.</source>
        <translation>未能識別標題列：請選擇標題列，然後對應各欄。</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <source>Import %1</source>
        <translation>匯入 %1</translation>
    </message>
    <message>
        <source>&amp;Screen</source>
        <translation>篩查(&amp;S)</translation>
    </message>
</context>
<context>
    <name>LineOrderProxy</name>
    <message>
        <source>%1. Sorting and filtering continue in the window (slower on very large runs).</source>
        <translation>%1。排序及篩選改在視窗內進行（處理極大量資料時較慢）。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Rules version %1 · %2</source>
        <translation>規則版本 %1 · %2</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Screen a shipment spreadsheet&lt;/h2&gt;&lt;p&gt;Find every line bound for Hong Kong that now needs China&apos;s licensing under the EAR (85 FR 83765), decide each one, and export an audit report.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;篩查付運試算表&lt;/h2&gt;&lt;p&gt;找出每一條運往香港、而根據《出口管理條例》(EAR，85 FR 83765) 現須按中國內地要求申領許可證的貨品行，逐一作出決定，並匯出審計報告。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Open a file… (Ctrl+O)</source>
        <translation>開啟檔案…（Ctrl+O）</translation>
    </message>
    <message>
        <source>Open the bundled sample</source>
        <translation>開啟隨附範例</translation>
    </message>
    <message>
        <source>Run history…</source>
        <translation>篩查記錄…</translation>
    </message>
    <message>
        <source>You can also drop an .xlsx or .csv file on this window.</source>
        <translation>亦可把 .xlsx 或 .csv 檔案拖放到此視窗。</translation>
    </message>
    <message>
        <source>Quick filter (Ctrl+F): any column — customer, ECCN, line id…</source>
        <translation>快速篩選（Ctrl+F）：任何欄位 — 客戶、ECCN、行號…</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>清除篩選</translation>
    </message>
    <message>
        <source>Destination</source>
        <translation>目的地</translation>
    </message>
    <message>
        <source>Finding</source>
        <translation>發現</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>審核</translation>
    </message>
    <message>
        <source>Sorting and filtering…</source>
        <translation>正在排序及篩選…</translation>
    </message>
    <message>
        <source>%1 lines found so far; still reading the input file&apos;s columns to search them too (%2%)…</source>
        <translation>暫時找到 %1 行；仍在讀取輸入檔案的欄位以一併搜尋（%2%）…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>檔案(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>開啟(&amp;O)…</translation>
    </message>
    <message>
        <source>Open &amp;Sample</source>
        <translation>開啟範例(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Recent Files</source>
        <translation>最近使用的檔案(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>匯出(&amp;E)</translation>
    </message>
    <message>
        <source>Audit report (&amp;XLSX)…</source>
        <translation>審計報告（&amp;XLSX）…</translation>
    </message>
    <message>
        <source>Audit report (&amp;PDF)…</source>
        <translation>審計報告（&amp;PDF）…</translation>
    </message>
    <message>
        <source>Lines (&amp;CSV)…</source>
        <translation>貨品行（&amp;CSV）…</translation>
    </message>
    <message>
        <source>Results (&amp;JSON)…</source>
        <translation>結果（&amp;JSON）…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>結束(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Navigate</source>
        <translation>瀏覽(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Next flagged line</source>
        <translation>下一條被標示的行(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Previous flagged line</source>
        <translation>上一條被標示的行(&amp;P)</translation>
    </message>
    <message>
        <source>Next &amp;unreviewed line</source>
        <translation>下一條未審核的行(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Quick filter</source>
        <translation>快速篩選(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Review</source>
        <translation>審核(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>檢視(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Run history…</source>
        <translation>篩查記錄(&amp;R)…</translation>
    </message>
    <message>
        <source>Rules &amp;browser…</source>
        <translation>規則瀏覽器(&amp;B)…</translation>
    </message>
    <message>
        <source>&amp;Columns</source>
        <translation>欄位(&amp;C)</translation>
    </message>
    <message>
        <source>Mark a party match as a &amp;false positive…</source>
        <translation>把當事方配對標記為誤報(&amp;F)…</translation>
    </message>
    <message>
        <source>&amp;Lists</source>
        <translation>名單(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Import screening list…</source>
        <translation>匯入篩查名單(&amp;I)…</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>設定(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Reviewer name…</source>
        <translation>審核人姓名(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Database…</source>
        <translation>資料庫(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;Language…</source>
        <translation>語言(&amp;L)…</translation>
    </message>
    <message>
        <source>Open shipment file</source>
        <translation>開啟付運檔案</translation>
    </message>
    <message>
        <source>Spreadsheets (*.xlsx *.xlsm *.csv *.txt);;All files (*)</source>
        <translation>試算表 (*.xlsx *.xlsm *.csv *.txt);;所有檔案 (*)</translation>
    </message>
    <message>
        <source>Screening %1…</source>
        <translation>正在篩查 %1…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Opening the results: %1 of %2 lines</source>
        <translation>正在開啟結果：已讀取 %1 行，共 %2 行</translation>
    </message>
    <message>
        <source>%1 lines screened (%2 lines/s)</source>
        <translation>已篩查 %1 行（每秒 %2 行）</translation>
    </message>
    <message>
        <source>Opening the run was cancelled.</source>
        <translation>已取消開啟此次篩查。</translation>
    </message>
    <message>
        <source>Screening cancelled; the run is recorded as cancelled.</source>
        <translation>篩查已取消；此次篩查記錄為「已取消」。</translation>
    </message>
    <message>
        <source>Opening run %1…</source>
        <translation>正在開啟第 %1 次篩查…</translation>
    </message>
    <message>
        <source>That run is not in the database.</source>
        <translation>資料庫中沒有這次篩查。</translation>
    </message>
    <message>
        <source>hkscreen — %1 (run %2)</source>
        <translation>hkscreen — %1（第 %2 次篩查）</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; · sheet %2 · %3 lines · SHA-256 %4… · run %5 by %6 · %7</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; · 工作表 %2 · %3 行 · SHA-256 %4… · 第 %5 次篩查，由 %6 執行 · %7</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Unreviewed</source>
        <translation>未審核</translation>
    </message>
    <message>
        <source>Reviewed</source>
        <translation>已審核</translation>
    </message>
    <message>
        <source>Newly licensable: %1</source>
        <translation>新須許可證：%1</translation>
    </message>
    <message>
        <source>Unreviewed: %1</source>
        <translation>未審核：%1</translation>
    </message>
    <message>
        <source>Unreviewed: %1 (%2 on hold)</source>
        <translation>未審核：%1（其中 %2 行暫緩）</translation>
    </message>
    <message>
        <source>%1 of %2 lines shown</source>
        <translation>顯示 %2 行中的 %1 行</translation>
    </message>
    <message numerus="yes">
        <source>%n lines selected; review buttons apply to all of them.</source>
        <translation>
            <numerusform>已選取 %n 行；審核按鈕會套用於所有選取的行。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Review saved for %n line(s).</source>
        <translation>
            <numerusform>已儲存 %n 行的審核。</numerusform>
        </translation>
    </message>
    <message>
        <source>Open or screen a file first.</source>
        <translation>請先開啟或篩查檔案。</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>已匯出 %1</translation>
    </message>
</context>
<context>
    <name>MappingPage</name>
    <message>
        <source>Map the columns</source>
        <translation>對應欄位</translation>
    </message>
    <message>
        <source>Required: destination, export date (or an as-of date) and ECCN. Guessed from the header names; change any guess.</source>
        <translation>必需：目的地、出口日期（或基準日期）及 ECCN。已按標題名稱推測，可更改任何推測。</translation>
    </message>
    <message>
        <source>Apply profile:</source>
        <translation>套用設定檔：</translation>
    </message>
    <message>
        <source>Not set (ambiguous numeric dates become errors)</source>
        <translation>未設定（含糊的數字日期會列為錯誤）</translation>
    </message>
    <message>
        <source>Day first (31/12/2021)</source>
        <translation>日在前（31/12/2021）</translation>
    </message>
    <message>
        <source>Month first (12/31/2021)</source>
        <translation>月在前（12/31/2021）</translation>
    </message>
    <message>
        <source>Year first, two-digit year (21/12/31)</source>
        <translation>年在前，兩位數年份（21/12/31）</translation>
    </message>
    <message>
        <source>Save this mapping as a profile named</source>
        <translation>把此對應儲存為設定檔，名稱</translation>
    </message>
    <message>
        <source>Date order</source>
        <translation>日期次序</translation>
    </message>
    <message>
        <source>As-of export date (no date column)</source>
        <translation>基準出口日期（沒有日期欄時）</translation>
    </message>
    <message>
        <source>(not mapped)</source>
        <translation>（未對應）</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（無）</translation>
    </message>
    <message>
        <source>  (matches these headers)</source>
        <translation>  （與這些標題相符）</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source> and </source>
        <translation> 及 </translation>
    </message>
    <message>
        <source>Ambiguous columns: more than one column matches the same field, and hkscreen will not pick one. Choose the column to use for each: %1</source>
        <translation>欄位不明確：多於一欄對應同一欄位，hkscreen 不會代為選擇。請為每一項選擇要使用的欄：%1</translation>
    </message>
    <message>
        <source>Some dates read differently day-first and month-first (rows %1): choose the order.</source>
        <translation>部分日期以日先或月先讀法會有不同結果（第 %1 行）：請選擇次序。</translation>
    </message>
    <message>
        <source>Ambiguous date in row %1: choose the order.</source>
        <translation>第 %1 行的日期有歧義：請選擇次序。</translation>
    </message>
    <message>
        <source>Ambiguous dates in rows %1: choose the order.</source>
        <translation>第 %1 行的日期有歧義：請選擇次序。</translation>
    </message>
    <message>
        <source>choose one</source>
        <translation>請選擇一欄</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>欠缺</translation>
    </message>
    <message>
        <source>mapped</source>
        <translation>已對應</translation>
    </message>
</context>
<context>
    <name>PartyActions</name>
    <message>
        <source>Import screening list</source>
        <translation>匯入篩查名單</translation>
    </message>
    <message>
        <source>Lists (*.csv *.json)</source>
        <translation>名單 (*.csv *.json)</translation>
    </message>
    <message>
        <source>The list was not imported:</source>
        <translation>名單未有匯入：</translation>
    </message>
    <message>
        <source>Imported %1 entries as list %2; they apply to the next screening.</source>
        <translation>已匯入 %1 個條目為名單 %2；下次篩查時生效。</translation>
    </message>
    <message>
        <source>The selected line has no restricted-party match.</source>
        <translation>所選的行沒有受限制當事方配對。</translation>
    </message>
    <message>
        <source>False positive</source>
        <translation>誤報</translation>
    </message>
    <message>
        <source>Party and list entry:</source>
        <translation>當事方及名單條目：</translation>
    </message>
    <message>
        <source>Why is this not the listed party?</source>
        <translation>為何此當事方並非名單上的當事方？</translation>
    </message>
    <message>
        <source>Recorded; the match is not raised again for this party until the list entry changes.</source>
        <translation>已記錄；在名單條目更改前，不會再就此當事方提出此配對。</translation>
    </message>
</context>
<context>
    <name>Preferences</name>
    <message>
        <source>Reviewer name</source>
        <translation>審核人姓名</translation>
    </message>
    <message>
        <source>Name recorded with each review:</source>
        <translation>每項審核記錄的姓名：</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>資料庫</translation>
    </message>
    <message>
        <source>SQLAlchemy URL (empty: the local SQLite file), e.g.
postgresql+psycopg://user@server/hkscreen</source>
        <translation>SQLAlchemy URL（留空：本機 SQLite 檔案），例如
postgresql+psycopg://user@server/hkscreen</translation>
    </message>
    <message>
        <source>Database saved; it is used from the next start.</source>
        <translation>資料庫設定已儲存；下次啟動時生效。</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>系統語言</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>語言</translation>
    </message>
    <message>
        <source>Language of the window:</source>
        <translation>視窗語言：</translation>
    </message>
    <message>
        <source>Language saved; it is used from the next start.</source>
        <translation>語言設定已儲存；下次啟動時生效。</translation>
    </message>
</context>
<context>
    <name>PreviewPage</name>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Line ID</source>
        <translation>行號</translation>
    </message>
    <message>
        <source>Destination</source>
        <translation>目的地</translation>
    </message>
    <message>
        <source>Export date</source>
        <translation>出口日期</translation>
    </message>
    <message>
        <source>ECCN</source>
        <translation>ECCN</translation>
    </message>
    <message>
        <source>Exception</source>
        <translation>例外</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>結果</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>問題</translation>
    </message>
    <message>
        <source>Preview the first lines</source>
        <translation>預覽首數行</translation>
    </message>
    <message>
        <source>Normalised values as they will be screened; problems in red. Press Screen to screen every line.</source>
        <translation>以下為將被篩查的標準化數值；問題以紅色顯示。按「篩查」以篩查每一行。</translation>
    </message>
    <message>
        <source>Verdicts include restricted-party screening against %1, as the run will.</source>
        <translation>此處結果已包括按 %1 進行的受限制當事方篩查，與正式篩查相同。</translation>
    </message>
    <message>
        <source>No restricted-party list is loaded: neither these verdicts nor the run check any consignee, end user or owner (Lists &gt; Import screening list).</source>
        <translation>尚未載入任何受限制當事方名單：此處結果及正式篩查均不會核對任何收貨人、最終用戶或擁有人（名單 &gt; 匯入篩查名單）。</translation>
    </message>
</context>
<context>
    <name>ReportExport</name>
    <message>
        <source>Export</source>
        <translation>匯出</translation>
    </message>
    <message>
        <source>Writing %1…</source>
        <translation>正在寫入 %1…</translation>
    </message>
</context>
<context>
    <name>RescreenDialog</name>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Line ID</source>
        <translation>行號</translation>
    </message>
    <message>
        <source>Verdict before</source>
        <translation>之前結果</translation>
    </message>
    <message>
        <source>Verdict now</source>
        <translation>現時結果</translation>
    </message>
    <message>
        <source>Findings added</source>
        <translation>新增發現</translation>
    </message>
    <message>
        <source>Findings removed</source>
        <translation>移除發現</translation>
    </message>
    <message>
        <source>Re-screen: what changed</source>
        <translation>重新篩查：有何改變</translation>
    </message>
    <message>
        <source>Run %1 (rules %2) screened again as run %3 (rules %4): %5 of %6 lines changed. The new run is open in the workbench; double-click a line to show it.</source>
        <translation>第 %1 次篩查（規則 %2）已重新篩查為第 %3 次篩查（規則 %4）：%6 行中有 %5 行改變。新的篩查已在工作台開啟；按兩下任何一行即可顯示。</translation>
    </message>
</context>
<context>
    <name>ResultsModel</name>
    <message>
        <source>Row</source>
        <extracomment>fetch_raw(first_row, last_row) -&gt; {input row: original cells} for rows in that range</extracomment>
        <translation>行</translation>
    </message>
    <message>
        <source>Line ID</source>
        <translation>行號</translation>
    </message>
    <message>
        <source>Shipped to</source>
        <translation>付運至</translation>
    </message>
    <message>
        <source>Licensed as</source>
        <translation>許可證按</translation>
    </message>
    <message>
        <source>ECCN</source>
        <translation>ECCN</translation>
    </message>
    <message>
        <source>Licence exc.</source>
        <translation>許可證例外</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>結果</translation>
    </message>
    <message>
        <source>Newly licensable</source>
        <translation>新須許可證</translation>
    </message>
    <message>
        <source>Review status</source>
        <translation>審核狀態</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>Column %1</source>
        <translation>第 %1 欄</translation>
    </message>
    <message>
        <source>Column as imported from the input file</source>
        <translation>從輸入檔案匯入的原有欄位</translation>
    </message>
</context>
<context>
    <name>ReviewDialog</name>
    <message>
        <source>Review</source>
        <extracomment>The lines&apos; (row, line id), in table order.</extracomment>
        <translation>審核</translation>
    </message>
    <message>
        <source>e.g. D1234567 (required for &apos;Licence obtained&apos;)</source>
        <translation>例如 D1234567（「已取得許可證」必填）</translation>
    </message>
    <message>
        <source>e.g. ENC</source>
        <translation>例如 ENC</translation>
    </message>
    <message>
        <source>Why: required to clear a line or confirm an exception</source>
        <translation>原因：放行或確認例外時必填</translation>
    </message>
    <message>
        <source>(no name: set it in Settings)</source>
        <translation>（未設定姓名：請在「設定」中設定）</translation>
    </message>
    <message>
        <source>The reviewer name from Settings; every review records it.</source>
        <translation>「設定」中的審核人姓名；每項審核都會記錄。</translation>
    </message>
    <message>
        <source>&amp;Disposition</source>
        <translation>處理決定(&amp;D)</translation>
    </message>
    <message>
        <source>Licence &amp;number</source>
        <translation>許可證編號(&amp;N)</translation>
    </message>
    <message>
        <source>Licence e&amp;xception</source>
        <translation>許可證例外(&amp;X)</translation>
    </message>
    <message>
        <source>&amp;Reason / note</source>
        <translation>原因／備註(&amp;R)</translation>
    </message>
    <message>
        <source>Reviewer</source>
        <translation>審核人</translation>
    </message>
    <message>
        <source>This decision goes against the findings</source>
        <translation>此決定與審查結果相抵觸</translation>
    </message>
    <message>
        <source>&amp;Override the findings and record this decision</source>
        <translation>推翻審查結果並記錄此決定(&amp;O)</translation>
    </message>
    <message>
        <source>Marked as an override, with its reason, in the review history and the reports.</source>
        <translation>會連同理由在審核記錄及報告中標示為推翻。</translation>
    </message>
    <message>
        <source>Reason for overriding (required), e.g. the advisory opinion relied on</source>
        <translation>推翻理由（必填），例如所依據的諮詢意見</translation>
    </message>
    <message>
        <source>%1 (row %2)</source>
        <translation>%1（第 %2 行）</translation>
    </message>
    <message>
        <source>Decision for %1.</source>
        <translation>為 %1 作出決定。</translation>
    </message>
    <message numerus="yes">
        <source>One decision, recorded for each of %n line(s): %1.</source>
        <translation>
            <numerusform>一個決定，分別記錄於 %n 行：%1。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>One decision, recorded for each of %n line(s): %1 … %2.</source>
        <translation>
            <numerusform>一個決定，分別記錄於 %n 行：%1 … %2。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>and %n more line(s)</source>
        <translation>
            <numerusform>及另外 %n 行</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 is PROHIBITED: clearing it goes against its findings.</source>
        <translation>%1 為 PROHIBITED：將其放行與其審查結果相抵觸。</translation>
    </message>
    <message>
        <source>%1: its finding %2 says this licence exception cannot be used.</source>
        <translation>%1：其審查結果 %2 指此許可證例外不可使用。</translation>
    </message>
    <message>
        <source>A reviewer name is required: set it in Settings.</source>
        <translation>必須有審核人姓名：請在「設定」中設定。</translation>
    </message>
    <message>
        <source>&apos;Licence obtained&apos; needs the licence number.</source>
        <translation>「已取得許可證」須填寫許可證號碼。</translation>
    </message>
    <message>
        <source>&apos;Licence exception confirmed&apos; needs the exception and a reason.</source>
        <translation>「已確認許可證例外」須填寫例外及理由。</translation>
    </message>
    <message>
        <source>&apos;%1&apos; needs a reason.</source>
        <translation>「%1」須填寫理由。</translation>
    </message>
    <message>
        <source>This decision goes against the findings: tick Override and give the reason, or choose another decision.</source>
        <translation>此決定與審查結果相抵觸：請剔選「推翻」並填寫理由，或選擇其他決定。</translation>
    </message>
    <message>
        <source>An override needs the reason for overriding.</source>
        <translation>推翻須填寫推翻理由。</translation>
    </message>
</context>
<context>
    <name>ReviewSaving</name>
    <message>
        <source>Saving reviews of %1 lines…</source>
        <translation>正在儲存 %1 行的審核…</translation>
    </message>
</context>
<context>
    <name>RuleEditor</name>
    <message>
        <source>&amp;Read current value</source>
        <translation>讀取現值(&amp;R)</translation>
    </message>
    <message>
        <source>Federal Register or CFR cite (required)</source>
        <translation>《聯邦公報》或 CFR 引用（必填）</translation>
    </message>
    <message>
        <source>&amp;Save change</source>
        <translation>儲存更改(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Add this row</source>
        <translation>新增此行(&amp;A)</translation>
    </message>
    <message>
        <source>Country Chart rows</source>
        <translation>國家列表（Country Chart）行</translation>
    </message>
    <message>
        <source>Country Group memberships</source>
        <translation>國家組別成員</translation>
    </message>
    <message>
        <source>Country names and aliases</source>
        <translation>國家名稱及別名</translation>
    </message>
    <message>
        <source>Destination mappings</source>
        <translation>目的地對應</translation>
    </message>
    <message>
        <source>ECCNs</source>
        <translation>ECCN</translation>
    </message>
    <message>
        <source>ECCN licence requirements</source>
        <translation>ECCN 許可證要求</translation>
    </message>
    <message>
        <source>Special controls</source>
        <translation>特別管制</translation>
    </message>
    <message>
        <source>Licence exceptions</source>
        <translation>許可證例外</translation>
    </message>
    <message>
        <source>Licence exception availability</source>
        <translation>許可證例外的適用情況</translation>
    </message>
    <message>
        <source>End-use and end-user rules</source>
        <translation>最終用途及最終用戶規則</translation>
    </message>
    <message>
        <source>EEI filing rules</source>
        <translation>EEI 申報規則</translation>
    </message>
    <message>
        <source>Savings clauses</source>
        <translation>保留條款</translation>
    </message>
    <message>
        <source>Regime changes</source>
        <translation>制度變更</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>欄位</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Re&amp;move the row named above</source>
        <translation>刪除上述指明的行(&amp;M)</translation>
    </message>
    <message>
        <source>Rule table</source>
        <translation>規則表</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Current value</source>
        <translation>現值</translation>
    </message>
    <message>
        <source>New value</source>
        <translation>新值</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Citation</source>
        <translation>引用</translation>
    </message>
    <message>
        <source>New row</source>
        <translation>新行</translation>
    </message>
    <message>
        <source>Saved (%1). Rules version is now %2.</source>
        <translation>已儲存（%1）。規則版本現為 %2。</translation>
    </message>
    <message>
        <source>Read the current value first.</source>
        <translation>請先讀取現值。</translation>
    </message>
    <message>
        <source>Changed by someone else</source>
        <translation>已被其他人更改</translation>
    </message>
    <message>
        <source>Saved. Rules version is now %1; new runs use it, earlier runs keep theirs.</source>
        <translation>已儲存。規則版本現為 %1；新的篩查會採用此版本，以往的篩查保留原有版本。</translation>
    </message>
</context>
<context>
    <name>RulesDialog</name>
    <message>
        <source>Rules browser (read-only) · version %1</source>
        <translation>規則瀏覽器（唯讀）· 版本 %1</translation>
    </message>
    <message>
        <source>Destination</source>
        <translation>目的地</translation>
    </message>
    <message>
        <source>Commerce Control List: eCFR edition %1 (%2 entries)</source>
        <translation>商業管制清單：eCFR %1 版（%2 個條目）</translation>
    </message>
    <message>
        <source>; Country Chart of the same edition (%1 destinations)</source>
        <translation>；同版國家表（%1 個目的地）</translation>
    </message>
    <message>
        <source>No Control List edition loaded</source>
        <translation>未載入管制清單版本</translation>
    </message>
    <message>
        <source>Export date</source>
        <translation>出口日期</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Valid from</source>
        <translation>生效日期</translation>
    </message>
    <message>
        <source>Valid to</source>
        <translation>失效日期</translation>
    </message>
    <message>
        <source>Verification</source>
        <translation>核實狀態</translation>
    </message>
    <message>
        <source>Citation</source>
        <translation>引用</translation>
    </message>
    <message>
        <source>Country Chart</source>
        <translation>國家圖表</translation>
    </message>
    <message>
        <source>ECCNs</source>
        <translation>ECCN</translation>
    </message>
    <message>
        <source>Exception</source>
        <translation>例外</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>狀態</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>備註</translation>
    </message>
    <message>
        <source>Licence exceptions</source>
        <translation>許可證例外</translation>
    </message>
    <message>
        <source>Effective</source>
        <translation>生效</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>標題</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <source>Regime changes</source>
        <translation>制度變更</translation>
    </message>
    <message>
        <source>Edit a rule</source>
        <translation>編輯規則</translation>
    </message>
    <message>
        <source>When (UTC)</source>
        <translation>時間（UTC）</translation>
    </message>
    <message>
        <source>By</source>
        <translation>由</translation>
    </message>
    <message>
        <source>File</source>
        <translation>檔案</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>欄位</translation>
    </message>
    <message>
        <source>Old</source>
        <translation>舊值</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新值</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Version after</source>
        <translation>更改後版本</translation>
    </message>
    <message>
        <source>Change log</source>
        <translation>更改記錄</translation>
    </message>
    <message>
        <source>Rules · version %1</source>
        <translation>規則 · 版本 %1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>無</translation>
    </message>
    <message>
        <source>%1 on %2: </source>
        <translation>%1 於 %2：</translation>
    </message>
    <message>
        <source>licensed as %1 under %2. </source>
        <translation>依 %2 按 %1 申領許可證。</translation>
    </message>
    <message>
        <source>Row %1: X in %2; Country Groups %3. </source>
        <translation>行 %1：標有 X 的欄：%2；國家組別 %3。</translation>
    </message>
    <message>
        <source>no Country Chart row in the rules database.</source>
        <translation>規則資料庫中沒有國家圖表行。</translation>
    </message>
</context>
<context>
    <name>RunsDialog</name>
    <message>
        <source>Run</source>
        <translation>篩查</translation>
    </message>
    <message>
        <source>Started (UTC)</source>
        <translation>開始時間（UTC）</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>狀態</translation>
    </message>
    <message>
        <source>Input file</source>
        <translation>輸入檔案</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <source>By</source>
        <translation>由</translation>
    </message>
    <message>
        <source>Rules version</source>
        <translation>規則版本</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>行數</translation>
    </message>
    <message>
        <source>Needs attention</source>
        <translation>需處理</translation>
    </message>
    <message>
        <source>Reviewed</source>
        <translation>已審核</translation>
    </message>
    <message>
        <source>Archived</source>
        <translation>已封存</translation>
    </message>
    <message>
        <source>Run history</source>
        <translation>篩查記錄</translation>
    </message>
    <message>
        <source>Show archived runs</source>
        <translation>顯示已封存的篩查</translation>
    </message>
    <message>
        <source>&amp;Open and continue reviewing</source>
        <translation>開啟並繼續審核(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Archive / unarchive</source>
        <translation>封存／取消封存(&amp;A)</translation>
    </message>
    <message>
        <source>Re-&amp;screen with current rules</source>
        <translation>按現行規則重新篩查(&amp;S)</translation>
    </message>
    <message>
        <source>Screen this run&apos;s stored copy of the input again and list every line whose verdict or findings changed</source>
        <translation>按現行規則再次篩查此次篩查所保存的輸入檔案副本，並列出結果或發現有變的每一行</translation>
    </message>
    <message>
        <source>%1 / %2 (%3 on hold)</source>
        <translation>%1 / %2（%3 行暫緩）</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
</context>
<context>
    <name>SheetPage</name>
    <message>
        <source>Choose the sheet</source>
        <translation>選擇工作表</translation>
    </message>
    <message>
        <source>Worksheets in this workbook (rows per sheet):</source>
        <translation>此活頁簿中的工作表（每張的行數）：</translation>
    </message>
    <message>
        <source>, hidden</source>
        <translation>，已隱藏</translation>
    </message>
    <message>
        <source>%1 (%2 rows%3)</source>
        <translation>%1（%2 行%3）</translation>
    </message>
</context>
<context>
    <name>VerdictChart</name>
    <message>
        <source>Newly licensable: %1 of %2 lines</source>
        <translation>新增須領證：%2 行中的 %1 行</translation>
    </message>
    <message>
        <source>Flagged lines with a decision: %1 of %2</source>
        <translation>已作決定的標示行：%2 行中的 %1 行</translation>
    </message>
    <message>
        <source>On hold, not yet decided: %1</source>
        <translation>暫緩，尚未作出決定：%1</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>hkscreen: unexpected error</source>
        <translation>hkscreen：意外錯誤</translation>
    </message>
    <message>
        <source>The application keeps running. Details are in the log:</source>
        <translation>程式會繼續運行。詳情見記錄檔：</translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation>複製詳情</translation>
    </message>
    <message>
        <source>Cannot open the database:
%1</source>
        <translation>無法開啟資料庫：
%1</translation>
    </message>
</context>
<context>
    <name>detail</name>
    <message>
        <source>Shipped to</source>
        <translation>付運至</translation>
    </message>
    <message>
        <source>Ultimate destination</source>
        <translation>最終目的地</translation>
    </message>
    <message>
        <source>Export date</source>
        <translation>出口日期</translation>
    </message>
    <message>
        <source>Date assumed (as-of)</source>
        <translation>假定日期（基準日期）</translation>
    </message>
    <message>
        <source>ECCN</source>
        <translation>ECCN</translation>
    </message>
    <message>
        <source>Licence exception</source>
        <translation>許可證例外</translation>
    </message>
    <message>
        <source>Licence number</source>
        <translation>許可證編號</translation>
    </message>
    <message>
        <source>End user</source>
        <translation>最終用戶</translation>
    </message>
    <message>
        <source>End-user type</source>
        <translation>最終用戶類別</translation>
    </message>
    <message>
        <source>Consignee</source>
        <translation>收貨人</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>價值</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>數量</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>HS code</source>
        <translation>HS 編碼</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>shipped to %1, licensed as %2</source>
        <translation>付運至 %1，按 %2 申領許可證</translation>
    </message>
    <message>
        <source>newly licensable</source>
        <translation>新須許可證</translation>
    </message>
    <message>
        <source>Row %1</source>
        <translation>第 %1 行</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>發現</translation>
    </message>
    <message>
        <source>Relies on unverified rule data:</source>
        <translation>依據未核實的規則資料：</translation>
    </message>
    <message>
        <source>No findings under the rules applied.</source>
        <translation>按所用規則，沒有任何發現。</translation>
    </message>
    <message>
        <source>Review history</source>
        <translation>審核記錄</translation>
    </message>
    <message>
        <source>superseded</source>
        <translation>已被取代</translation>
    </message>
    <message>
        <source>OVERRIDE of a finding:</source>
        <translation>推翻審查結果：</translation>
    </message>
    <message>
        <source>No reviews yet.</source>
        <translation>尚未審核。</translation>
    </message>
    <message>
        <source>Normalised values</source>
        <translation>標準化數值</translation>
    </message>
    <message>
        <source>(from the cell “%1”)</source>
        <translation>（來自儲存格「%1」）</translation>
    </message>
    <message>
        <source>Original cells</source>
        <translation>原有儲存格</translation>
    </message>
    <message>
        <source>row %1 col %2</source>
        <translation>第 %1 行 第 %2 欄</translation>
    </message>
</context>
<context>
    <name>labels</name>
    <message>
        <source>Licence obtained</source>
        <translation>已取得許可證</translation>
    </message>
    <message>
        <source>Licence exception confirmed</source>
        <translation>已確認許可證例外</translation>
    </message>
    <message>
        <source>Not subject / cleared</source>
        <translation>不受管制／已放行</translation>
    </message>
    <message>
        <source>Hold</source>
        <translation>暫緩</translation>
    </message>
    <message>
        <source>Escalate</source>
        <translation>上報</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>備註</translation>
    </message>
    <message>
        <source>Unreviewed</source>
        <translation>未審核</translation>
    </message>
    <message>
        <source>running</source>
        <translation>進行中</translation>
    </message>
    <message>
        <source>complete</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>已中斷</translation>
    </message>
    <message>
        <source>Line ID</source>
        <translation>行號</translation>
    </message>
    <message>
        <source>Destination (ship-to)</source>
        <translation>目的地（付運至）</translation>
    </message>
    <message>
        <source>Ultimate destination</source>
        <translation>最終目的地</translation>
    </message>
    <message>
        <source>Export / ship date</source>
        <translation>出口／付運日期</translation>
    </message>
    <message>
        <source>ECCN / classification</source>
        <translation>ECCN／分類</translation>
    </message>
    <message>
        <source>Licence exception</source>
        <translation>許可證例外</translation>
    </message>
    <message>
        <source>Licence number</source>
        <translation>許可證編號</translation>
    </message>
    <message>
        <source>End user</source>
        <translation>最終用戶</translation>
    </message>
    <message>
        <source>End-user type</source>
        <translation>最終用戶類別</translation>
    </message>
    <message>
        <source>Consignee</source>
        <translation>收貨人</translation>
    </message>
    <message>
        <source>Consignee address</source>
        <translation>收貨人地址</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>價值</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>數量</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>HS code</source>
        <translation>HS 編碼</translation>
    </message>
    <message>
        <source>Parent company</source>
        <translation>母公司</translation>
    </message>
    <message>
        <source>Ultimate parent</source>
        <translation>最終母公司</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>擁有人</translation>
    </message>
    <message>
        <source>Beneficial owner</source>
        <translation>實益擁有人</translation>
    </message>
    <message>
        <source>Ownership %</source>
        <translation>持股比例 %</translation>
    </message>
    <message>
        <source>Purchaser</source>
        <translation>買方</translation>
    </message>
    <message>
        <source>Intermediate consignee</source>
        <translation>中間收貨人</translation>
    </message>
    <message>
        <source>Notify party</source>
        <translation>通知方</translation>
    </message>
    <message>
        <source>Forwarder or carrier</source>
        <translation>貨運代理或承運人</translation>
    </message>
</context>
</TS>
