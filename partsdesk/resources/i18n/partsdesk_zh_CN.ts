<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
  <context>
    <name>PartsDesk</name>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="364" />
      <source>  OVERDUE</source>
      <translation>  已逾期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1381" />
      <source>  {number}: {sold} sold, {moved} moved in all since it was counted; book now {after}</source>
      <translation>  {number}：盘点后已售出 {sold}，共变动 {moved}；现账面数 {after}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="913" />
      <source>  ·  finished: only the parts sent for a recount take scans</source>
      <translation>  ·  已完成：只有送去复盘的配件可以扫码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1387" />
      <source>  … and {count} more (see the variance report)</source>
      <translation>  … 另有 {count} 项（见差异报表）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="903" />
      <source> (+ core deposit {amount})</source>
      <translation> （另加旧件押金 {amount}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_care.py" line="227" />
      <source> (1 day late)</source>
      <translation> （逾期 1 天）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="565" />
      <source> (inactive)</source>
      <translation> （已停用）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="669" />
      <source> (no-show)</source>
      <translation> （爽约）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="476" />
      <source> (on now)</source>
      <translation> （进行中）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="355" />
      <source> (set by hand)</source>
      <translation> （手动设置）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="560" />
      <source> (today)</source>
      <translation> （今天）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_care.py" line="227" />
      <source> ({0} days late)</source>
      <translation> （逾期 {0} 天）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="622" />
      <source> ({count} no-show(s) before)</source>
      <translation> （此前爽约 {count} 次）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_membership.py" line="256" />
      <source> ({total} within 90 days)</source>
      <translation> （90 天内共 {total}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="400" />
      <source> and </source>
      <translation> 和 </translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_editor.py" line="214" />
      <source> km</source>
      <translation> km</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="138" />
      <source> min</source>
      <translation> 分钟</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_editor.py" line="209" />
      <source> months</source>
      <translation> 个月</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/complaints.py" line="94" />
      <source> or </source>
      <translation> 或 </translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="392" />
      <source> {0} stays on the account as a credit.</source>
      <translation> {0} 作为余额留在挂账账户中。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_care.py" line="82" />
      <source> · due {0}</source>
      <translation> · {0} 到期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="436" />
      <source> · invoice {number}</source>
      <translation> · 发票 {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="364" />
      <source> · key account</source>
      <translation> · 重点客户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="427" />
      <source> · out: {km} km</source>
      <translation> · 交车：{km} km</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="349" />
      <source> · unused credit {0}</source>
      <translation> · 未用余额 {0}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="417" />
      <source> · {count} line(s) need authorization</source>
      <translation> · {count} 项需客户授权</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/complaints_register.py" line="199" />
      <source> · {overdue} overdue</source>
      <translation> · {overdue} 项逾期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="132" />
      <source> — LATE</source>
      <translation> — 已逾期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="432" />
      <source> — late</source>
      <translation> — 逾期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="543" />
      <source> — over-booked</source>
      <translation> — 超额预约</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="725" />
      <source> — {pages} page(s)</source>
      <translation> — 共 {pages} 页</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_membership.py" line="253" />
      <source> — {points} expire on {day}</source>
      <translation> — {points} 积分将于 {day} 到期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="208" />
      <source>#</source>
      <translation>#</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="341" />
      <source>%n overdue complaint(s): see Complaints (Ctrl+%1)</source>
      <translation>%n 条投诉已逾期：请查看投诉（Ctrl+%1）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="100" />
      <source>&amp;Add labour (Ctrl+L)</source>
      <translation>添加工时（Ctrl+L）(&amp;A)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="210" />
      <source>&amp;Address</source>
      <translation>地址(&amp;A)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="304" />
      <source>&amp;Answer</source>
      <translation>答复(&amp;A)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1174" />
      <source>&amp;Approved</source>
      <translation>同意(&amp;A)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_reports_view.py" line="106" />
      <source>&amp;As of</source>
      <translation>截至日期(&amp;A)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="139" />
      <source>&amp;Back (Alt+B)</source>
      <translation>返回（Alt+B）(&amp;B)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="123" />
      <source>&amp;Back up now</source>
      <translation>立即备份(&amp;B)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="139" />
      <source>&amp;Bay</source>
      <translation>工位(&amp;B)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="348" />
      <source>&amp;Bins</source>
      <translation>货位(&amp;B)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="314" />
      <source>&amp;Blind: counters do not see the book quantity</source>
      <translation>盲盘：盘点人员看不到账面数量(&amp;B)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/tender_dialog.py" line="103" />
      <source>&amp;Cash tendered</source>
      <translation>实收现金(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="70" />
      <source>&amp;Catalog</source>
      <translation>配件目录(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="102" />
      <source>&amp;Channel</source>
      <translation>渠道(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="349" />
      <source>&amp;Classes</source>
      <translation>分类(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="94" />
      <source>&amp;Code</source>
      <translation>代码(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_care.py" line="124" />
      <source>&amp;Comment</source>
      <translation>备注(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="62" />
      <source>&amp;Contact person</source>
      <translation>联系人(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="321" />
      <source>&amp;Count</source>
      <translation>盘点(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="449" />
      <source>&amp;Counted ({unit})</source>
      <translation>实盘数量（{unit}）(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="245" />
      <source>&amp;Currency</source>
      <translation>币种(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="122" />
      <source>&amp;Customer</source>
      <translation>客户(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="132" />
      <source>&amp;Date and time</source>
      <translation>日期和时间(&amp;D)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="256" />
      <source>&amp;Description</source>
      <translation>描述(&amp;D)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="229" />
      <source>&amp;Discount %</source>
      <translation>折扣 %(&amp;D)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="64" />
      <source>&amp;E-mail</source>
      <translation>电子邮件(&amp;E)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="100" />
      <source>&amp;Edit (Enter)</source>
      <translation>编辑（Enter）(&amp;E)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="185" />
      <source>&amp;Expected</source>
      <translation>预计到货(&amp;E)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="149" />
      <source>&amp;Export parts…</source>
      <translation>导出配件…(&amp;E)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="122" />
      <source>&amp;File</source>
      <translation>文件(&amp;F)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="224" />
      <source>&amp;Find</source>
      <translation>查找(&amp;F)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="150" />
      <source>&amp;Find a part</source>
      <translation>查找配件(&amp;F)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="140" />
      <source>&amp;Finish (Enter)</source>
      <translation>完成（Enter）(&amp;F)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_reports_view.py" line="120" />
      <source>&amp;From</source>
      <translation>从(&amp;F)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="169" />
      <source>&amp;Fuel</source>
      <translation>油量(&amp;F)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/complaints_register.py" line="113" />
      <source>&amp;Handle…</source>
      <translation>处理…(&amp;H)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="155" />
      <source>&amp;Help</source>
      <translation>帮助(&amp;H)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1184" />
      <source>&amp;How</source>
      <translation>方式(&amp;H)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="148" />
      <source>&amp;Import parts…</source>
      <translation>导入配件…(&amp;I)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="156" />
      <source>&amp;Keys of this tab</source>
      <translation>本页快捷键(&amp;K)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="921" />
      <source>&amp;Kind</source>
      <translation>种类(&amp;K)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="68" />
      <source>&amp;Lead time (days)</source>
      <translation>交货期（天）(&amp;L)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="492" />
      <source>&amp;Leave them: their book quantity stays as it is</source>
      <translation>不处理：账面数量保持不变(&amp;L)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1277" />
      <source>&amp;Line</source>
      <translation>工单项目(&amp;L)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="181" />
      <source>&amp;Lines</source>
      <translation>明细(&amp;L)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="142" />
      <source>&amp;Lock the screen</source>
      <translation>锁定屏幕(&amp;L)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="225" />
      <source>&amp;Logo file</source>
      <translation>标志文件(&amp;L)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="266" />
      <source>&amp;Low stock</source>
      <translation>低库存(&amp;L)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="936" />
      <source>&amp;Low stock ({count})</source>
      <translation>低库存（{count}）(&amp;L)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="316" />
      <source>&amp;Name</source>
      <translation>名称(&amp;N)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="63" />
      <source>&amp;Name on screen</source>
      <translation>显示名称(&amp;N)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="268" />
      <source>&amp;Negative</source>
      <translation>负库存(&amp;N)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="92" />
      <source>&amp;New customer</source>
      <translation>新建客户(&amp;N)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="147" />
      <source>&amp;New part</source>
      <translation>新建配件(&amp;N)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="138" />
      <source>&amp;Next (Enter)</source>
      <translation>下一步（Enter）(&amp;N)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="328" />
      <source>&amp;Note</source>
      <translation>备注(&amp;N)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reprint_dialog.py" line="79" />
      <source>&amp;Number</source>
      <translation>编号(&amp;N)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="161" />
      <source>&amp;Odometer (km)</source>
      <translation>里程表读数（km）(&amp;O)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1368" />
      <source>&amp;Odometer out (km)</source>
      <translation>交车里程表读数（km）(&amp;O)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="112" />
      <source>&amp;Odometer…</source>
      <translation>里程表…(&amp;O)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_history.py" line="71" />
      <source>&amp;Open (Enter)</source>
      <translation>打开（Enter）(&amp;O)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="183" />
      <source>&amp;Order</source>
      <translation>采购单(&amp;O)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_care.py" line="102" />
      <source>&amp;Outcome</source>
      <translation>结果(&amp;O)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="65" />
      <source>&amp;PIN</source>
      <translation>PIN码(&amp;P)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="164" />
      <source>&amp;Part</source>
      <translation>配件(&amp;P)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="212" />
      <source>&amp;Phone</source>
      <translation>电话(&amp;P)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/tender_dialog.py" line="116" />
      <source>&amp;Prepaid (balance {balance})</source>
      <translation>储值（余额 {balance}）(&amp;P)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="111" />
      <source>&amp;Price per unit</source>
      <translation>单价(&amp;P)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_reports_view.py" line="117" />
      <source>&amp;Print (Ctrl+P)</source>
      <translation>打印（Ctrl+P）(&amp;P)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/care_lists.py" line="106" />
      <source>&amp;Print call sheet…</source>
      <translation>打印回访单…(&amp;P)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="100" />
      <source>&amp;Print the test sheet… (Alt+P)</source>
      <translation>打印测试页…（Alt+P）(&amp;P)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="181" />
      <source>&amp;Promised</source>
      <translation>承诺交车时间(&amp;P)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="162" />
      <source>&amp;Quantity</source>
      <translation>数量(&amp;Q)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="227" />
      <source>&amp;Quantity ({unit})</source>
      <translation>数量（{unit}）(&amp;Q)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1282" />
      <source>&amp;Quantity back</source>
      <translation>退回数量(&amp;Q)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="168" />
      <source>&amp;Quantity ±</source>
      <translation>数量 ±(&amp;Q)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="125" />
      <source>&amp;Quit</source>
      <translation>退出(&amp;Q)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1041" />
      <source>&amp;Quote number</source>
      <translation>报价单编号(&amp;Q)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="128" />
      <source>&amp;Rate per hour</source>
      <translation>每小时费率(&amp;R)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="170" />
      <source>&amp;Reason</source>
      <translation>原因(&amp;R)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_care.py" line="176" />
      <source>&amp;Record a call…</source>
      <translation>记录回访…(&amp;R)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/care_lists.py" line="104" />
      <source>&amp;Record a call… (Enter)</source>
      <translation>记录回访…（Enter）(&amp;R)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="270" />
      <source>&amp;Record complaint</source>
      <translation>登记投诉(&amp;R)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="104" />
      <source>&amp;Reference</source>
      <translation>参考号(&amp;R)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="104" />
      <source>&amp;Remove labour</source>
      <translation>删除工时(&amp;R)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/complaints_register.py" line="128" />
      <source>&amp;Report PDF…</source>
      <translation>报表 PDF…(&amp;R)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="312" />
      <source>&amp;Resolve</source>
      <translation>解决(&amp;R)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="124" />
      <source>&amp;Restore a backup…</source>
      <translation>恢复备份…(&amp;R)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="64" />
      <source>&amp;Role</source>
      <translation>角色(&amp;R)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_reports_view.py" line="108" />
      <source>&amp;Run (F5)</source>
      <translation>运行（F5）(&amp;R)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1381" />
      <source>&amp;Satisfaction</source>
      <translation>满意度(&amp;S)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_care.py" line="76" />
      <source>&amp;Save (Enter)</source>
      <translation>保存（Enter）(&amp;S)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_reports_view.py" line="119" />
      <source>&amp;Save as PDF (Ctrl+S)</source>
      <translation>另存为 PDF（Ctrl+S）(&amp;S)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="134" />
      <source>&amp;Service</source>
      <translation>保养项目(&amp;S)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="158" />
      <source>&amp;Set up your shop</source>
      <translation>设置门店(&amp;S)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1188" />
      <source>&amp;Signed on paper</source>
      <translation>已书面签字(&amp;S)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="137" />
      <source>&amp;Start again (Alt+S)</source>
      <translation>重新开始（Alt+S）(&amp;S)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="573" />
      <source>&amp;Start at label</source>
      <translation>从第几个标签开始(&amp;S)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="254" />
      <source>&amp;Statement PDF…</source>
      <translation>对账单 PDF…(&amp;S)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="184" />
      <source>&amp;Supplier</source>
      <translation>供应商(&amp;S)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="141" />
      <source>&amp;Switch user…</source>
      <translation>切换用户…(&amp;S)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="211" />
      <source>&amp;Tax ID</source>
      <translation>税号(&amp;T)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="143" />
      <source>&amp;Technician</source>
      <translation>技师(&amp;T)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_reports_view.py" line="122" />
      <source>&amp;To</source>
      <translation>至(&amp;T)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/care_lists.py" line="76" />
      <source>&amp;Today</source>
      <translation>今天(&amp;T)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_membership.py" line="150" />
      <source>&amp;Top up…</source>
      <translation>充值…(&amp;T)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="231" />
      <source>&amp;Unit price</source>
      <translation>单价(&amp;U)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="140" />
      <source>&amp;User</source>
      <translation>用户(&amp;U)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="304" />
      <source>&amp;User name</source>
      <translation>用户名(&amp;U)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="132" />
      <source>&amp;Users and roles…</source>
      <translation>用户和角色…(&amp;U)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="246" />
      <source>&amp;VAT rate (%)</source>
      <translation>增值税税率（%）(&amp;V)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="88" />
      <source>&amp;Valid until</source>
      <translation>有效期至(&amp;V)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="128" />
      <source>&amp;Vehicle</source>
      <translation>车辆(&amp;V)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="160" />
      <source>&amp;Walk-in</source>
      <translation>散客(&amp;W)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1236" />
      <source>&amp;What</source>
      <translation>内容(&amp;W)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="924" />
      <source>&amp;What for</source>
      <translation>费用说明(&amp;W)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="882" />
      <source>&amp;What is done</source>
      <translation>工作内容(&amp;W)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1378" />
      <source>&amp;What was done</source>
      <translation>已完成工作(&amp;W)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1190" />
      <source>&amp;Who answered</source>
      <translation>答复人(&amp;W)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="384" />
      <source>(Contact details and the account are not shown to your role.)</source>
      <translation>（您的角色无权查看联系方式和挂账信息。）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1015" />
      <source>(The same code again a moment ago: Ctrl+Z if it was read twice.)</source>
      <translation>（刚刚扫到了相同的条码：如果重复读取，请按 Ctrl+Z。）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/help_dialog.py" line="191" />
      <source>(a key of this view, not shown on a button)</source>
      <translation>（本视图的快捷键，按钮上未显示）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_editor.py" line="71" />
      <source>(any)</source>
      <translation>（任意）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="320" />
      <source>(ask the customer)</source>
      <translation>（请询问客户）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="464" />
      <source>(choose)</source>
      <translation>（请选择）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/shop.py" line="79" />
      <source>(empty)</source>
      <translation>（空）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="220" />
      <source>(inactive class {id})</source>
      <translation>（已停用的工时类别 {id}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_table.py" line="132" />
      <source>(inactive: not sold any more)</source>
      <translation>（已停用：不再销售）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="91" />
      <source>(no bin)</source>
      <translation>（无货位）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="343" />
      <source>(no logo)</source>
      <translation>（无标志）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="280" />
      <source>(no number)</source>
      <translation>（无编号）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="711" />
      <source>(no supplier: not ordered)</source>
      <translation>（无供应商：不订货）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_editor.py" line="83" />
      <source>(nobody)</source>
      <translation>（无人）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/complaints.py" line="33" />
      <source>(none)</source>
      <translation>（无）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_care.py" line="79" />
      <source>(not about a task on the lists)</source>
      <translation>（与名单上的任务无关）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="343" />
      <source>(not an image)</source>
      <translation>（不是图片）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_editor.py" line="246" />
      <source>(not on the vehicle list)</source>
      <translation>（不在车辆列表中）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="412" />
      <source>(photo kept)</source>
      <translation>（已存照片）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="280" />
      <source>(system default)</source>
      <translation>（系统默认）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="435" />
      <source>(there was no file to keep)</source>
      <translation>（没有需要保留的文件）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1372" />
      <source>(warranty)</source>
      <translation>（质保）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_membership.py" line="95" />
      <source>+200 to add, -50 to take off</source>
      <translation>+200 表示增加，-50 表示扣减</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="285" />
      <source>, marked COPY</source>
      <translation>，标注“副本”</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="317" />
      <source>, {count} short</source>
      <translation>，{count} 行缺货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="326" />
      <source>, {upcoming} upcoming</source>
      <translation>，{upcoming} 条即将到期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="229" />
      <source>--as-of {text!r} is not a date; write it as 2026-11-30.</source>
      <translation>--as-of {text!r} 不是日期；请按 2026-11-30 的格式填写。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="374" />
      <source>--grid {grid!r}: whole numbers of columns and rows, e.g. 3x8.</source>
      <translation>--grid {grid!r}：列数和行数须为整数，例如 3x8。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="311" />
      <source>0</source>
      <translation>0</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="162" />
      <source>0: no account, payment at the counter</source>
      <translation>0：不挂账，在柜台付款</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="309" />
      <source>1 invoice overdue, {amount} (oldest {days} days).</source>
      <translation>1 张发票逾期，金额 {amount}（最久 {days} 天）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_tab.py" line="187" />
      <source>1 match</source>
      <translation>1 个结果</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_tab.py" line="183" />
      <source>1 part</source>
      <translation>1 个配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="380" />
      <source>1 part is due today ({classes}).</source>
      <translation>今天有 1 个配件应循环盘点（{classes}）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_care.py" line="36" />
      <source>1 – very unhappy</source>
      <translation>1 – 非常不满意</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="58" />
      <source>1 — very unhappy</source>
      <translation>1 — 非常不满意</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="29" />
      <source>1-30 days</source>
      <translation>1-30 天</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_reports_view.py" line="146" />
      <source>12 months' consumption</source>
      <translation>12 个月用量</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/stock_reports.py" line="66" />
      <source>12 months' consumption {currency}</source>
      <translation>12 个月用量金额 {currency}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="146" />
      <source>1300 = 13 %</source>
      <translation>1300 = 13 %</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_editor.py" line="243" />
      <source>17 characters; the maker and year are read from it</source>
      <translation>17 位字符；可从中读出厂商和年份</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="50" />
      <source>1–30 days</source>
      <translation>1–30 天</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_care.py" line="36" />
      <source>2 – unhappy</source>
      <translation>2 – 不满意</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="58" />
      <source>2 — unhappy</source>
      <translation>2 — 不满意</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="295" />
      <source>2026-12-01</source>
      <translation>2026-12-01</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="186" />
      <source>2026-12-01; empty: today + the supplier's lead time</source>
      <translation>2026-12-01；留空：今天 + 供应商交货期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_care.py" line="36" />
      <source>3 – neutral</source>
      <translation>3 – 一般</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="58" />
      <source>3 — so-so</source>
      <translation>3 — 一般</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="70" />
      <source>30 days net</source>
      <translation>30 天付清</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="29" />
      <source>31-60 days</source>
      <translation>31-60 天</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="50" />
      <source>31–60 days</source>
      <translation>31–60 天</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="298" />
      <source>4 to 8 digits</source>
      <translation>4 到 8 位数字</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/login.py" line="216" />
      <source>4 to 8 digits, for quick switching</source>
      <translation>4 到 8 位数字，用于快速切换用户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_care.py" line="37" />
      <source>4 – happy</source>
      <translation>4 – 满意</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="59" />
      <source>4 — happy</source>
      <translation>4 — 满意</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_care.py" line="37" />
      <source>5 – very happy</source>
      <translation>5 – 非常满意</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="59" />
      <source>5 — very happy</source>
      <translation>5 — 非常满意</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="30" />
      <source>61-90 days</source>
      <translation>61-90 天</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="51" />
      <source>61–90 days</source>
      <translation>61–90 天</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="51" />
      <source>90+ days</source>
      <translation>90 天以上</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="165" />
      <source>: hours</source>
      <translation>：工时数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="167" />
      <source>: rate</source>
      <translation>：费率</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="79" />
      <source>; press Ctrl+P on the Counter tab to print it again.</source>
      <translation>；可在“柜台”页按 Ctrl+P 重新打印。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/credentials.py" line="43" />
      <source>A PIN is {shortest} to {longest} digits.</source>
      <translation>PIN码为 {shortest} 到 {longest} 位数字。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="136" />
      <source>A PNG or JPEG printed at the top of A4 documents; the first-run wizard copies it into the data folder. Empty: no logo.</source>
      <translation>打印在 A4 单据顶部的 PNG 或 JPEG 图片；首次运行向导会将其复制到数据文件夹中。留空：不使用标志。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/vehicles.py" line="127" />
      <source>A VIN has only letters A–Z and digits.</source>
      <translation>VIN 只能包含字母 A–Z 和数字。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/vehicles.py" line="120" />
      <source>A VIN has {length} characters; {vin!r} has {count}.</source>
      <translation>VIN 应为 {length} 位字符；{vin!r} 为 {count} 位。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/vehicles.py" line="124" />
      <source>A VIN never contains {letters} (I, O and Q are not used: read them as 1 and 0).</source>
      <translation>VIN 中不会出现 {letters}（不使用 I、O 和 Q：请读作 1 和 0）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="226" />
      <source>A Z report whose counted cash is further than this from the expected cash is flagged (never refused). 500 = 5.00</source>
      <translation>实点现金与应有现金之差超过此值时，Z报表会予以标出（不会拒绝）。500 = 5.00</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="101" />
      <source>A bay keeps its code: it heads the appointment calendar's column.</source>
      <translation>工位代码不可更改：它显示在预约日历的列标题上。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="276" />
      <source>A call is put in the customer file's care list this many days after delivery.</source>
      <translation>交车后经过此天数，将一次回访电话加入客户档案的关怀名单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="439" />
      <source>A canned job has at most {most} lines; this one has {count}.</source>
      <translation>标准套餐最多 {most} 个项目；此套餐有 {count} 个。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="436" />
      <source>A canned job needs at least one line: a part, labour or another charge.</source>
      <translation>标准套餐至少需要一个项目：配件、工时或其他费用。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="81" />
      <source>A card payment needs the reference from the card terminal's slip.</source>
      <translation>银行卡付款需要填写刷卡机签购单上的参考号。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="108" />
      <source>A care task is one of: {kinds}.</source>
      <translation>关怀任务须为以下之一：{kinds}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="649" />
      <source>A class is one of {classes}.</source>
      <translation>分类须为 {classes} 之一。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="719" />
      <source>A comeback links to a line of a delivered order of the same vehicle.</source>
      <translation>返修须关联到同一车辆已交车工单中的工单项目。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_table.py" line="67" />
      <source>A complaint of this customer is overdue.</source>
      <translation>该客户有一条投诉已逾期。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="354" />
      <source>A count covers one of: {kinds}.</source>
      <translation>盘点范围须为以下之一：{kinds}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="230" />
      <source>A count further than this from the book quantity asks for a recount. 0: every difference; 200 = 2 %</source>
      <translation>实盘数与账面数量之差超过此值时需要复盘。0：有差异即复盘；200 = 2 %</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="425" />
      <source>A count line names who counted it: log in as yourself to count.</source>
      <translation>每条盘点记录都会注明盘点人：请用您自己的账户登录后盘点。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="368" />
      <source>A count names at most {most:,} of them; count everything or a category instead.</source>
      <translation>一次盘点最多指定 {most:,} 项；请改为盘点全部或按类别盘点。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="433" />
      <source>A counted quantity cannot be below zero.</source>
      <translation>实盘数量不能小于零。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="295" />
      <source>A counter quote's parts and labour become lines</source>
      <translation>柜台报价单中的配件和工时将转为工单项目</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/customers.py" line="297" />
      <source>A customer cannot be merged into itself.</source>
      <translation>客户不能合并到其自身。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="214" />
      <source>A customer who may buy on account; the better of this and the class's tier wins.</source>
      <translation>可挂账购买的客户；取此价格等级与其分类的价格等级中较优者。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="231" />
      <source>A customer's account is not shown to your role.</source>
      <translation>您的角色无权查看客户的挂账信息。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="151" />
      <source>A disabled user cannot log in; enable them again any time</source>
      <translation>已停用的用户无法登录；可随时重新启用</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="201" />
      <source>A discount or price below it needs a manager. 1500 = 15 %</source>
      <translation>折扣或价格低于此下限时需经理批准。1500 = 15 %</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="322" />
      <source>A faster run of fewer keys than this is typing, not a scan.</source>
      <translation>快速连续输入的按键少于此数时视为键盘输入，而非扫码。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="147" />
      <source>A first visit: add the customer and their vehicle to the customer file, then check the vehicle in</source>
      <translation>首次到店：先将客户及其车辆添加到客户档案，再为该车辆接车</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="482" />
      <source>A fitment names a vehicle model that is not in the list; add the model first.</source>
      <translation>适用车型中有车型不在列表中；请先添加该车型。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="364" />
      <source>A fitment needs a vehicle model and years as whole numbers.</source>
      <translation>适用车型需要填写车型和整数年份。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="367" />
      <source>A fitment's first year is between {first} and {last}.</source>
      <translation>适用车型的起始年份应在 {first} 到 {last} 之间。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="370" />
      <source>A fitment's last year is between its first year and {last}.</source>
      <translation>适用车型的截止年份应在起始年份到 {last} 之间。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="378" />
      <source>A fitment's {label} is at most {limit} characters.</source>
      <translation>适用车型的{label}最多 {limit} 个字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/labels.py" line="79" />
      <source>A label of {width} x {height} mm is too small for a barcode a scanner reads and the part's details: labels need at least {min_width} x {min_height} mm. Choose fewer columns or rows, or smaller margins.</source>
      <translation>{width} x {height} mm 的标签太小，放不下扫描枪可读取的条码和配件信息：标签至少需要 {min_width} x {min_height} mm。请减少列数或行数，或减小页边距。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="278" />
      <source>A labour line's warranty, printed on the invoice; a part line takes its part's. 0: none by time.</source>
      <translation>工时项目的质保期，打印在发票上；配件项目采用该配件自己的质保期。0：不按时间质保。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cashup.py" line="311" />
      <source>A line void is one line; a cart void at most 500 lines.</source>
      <translation>作废单行时只能选一行；作废整个购物车时最多 500 行。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/stock_reports.py" line="146" />
      <source>A list holds 1 to {limit:,} lines.</source>
      <translation>列表可包含 1 到 {limit:,} 行。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="163" />
      <source>A made-up shop with parts, stock, customers, two years of sales and a workshop, to try everything safely. It is built on this PC's shop database (which takes a minute) and you log in as its administrator: user admin, password admin-pass-1.</source>
      <translation>一个虚构的门店，包含配件、库存、客户、两年的销售记录和车间，可放心试用所有功能。它建立在本机的门店数据库上（需要约一分钟），您将以其管理员身份登录：用户名 admin，密码 admin-pass-1。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="449" />
      <source>A manager approves this return: {why}.</source>
      <translation>此退货需经理批准：{why}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/users.py" line="256" />
      <source>A manager cannot approve their own action; ask another manager.</source>
      <translation>经理不能批准自己的操作；请找另一位经理。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="318" />
      <source>A manager must approve a sale on account.</source>
      <translation>挂账销售须经理批准。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_editor.py" line="93" />
      <source>A manager sets the credit limit and terms (Account section, Credit terms).</source>
      <translation>信用额度和账期由经理设置（挂账部分，信用条款）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/membership.py" line="163" />
      <source>A member card number has letters and digits only, at most {most}.</source>
      <translation>会员卡号只能包含字母和数字，最多 {most} 位。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="139" />
      <source>A member card number has letters and digits only.</source>
      <translation>会员卡号只能包含字母和数字。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="221" />
      <source>A new quote's validity date defaults to today plus this many days; its prices hold until then.</source>
      <translation>新报价单的有效期默认为今天加上此天数；在此之前报价不变。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="145" />
      <source>A new user with a role and a PIN</source>
      <translation>新建用户，设置角色和PIN码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="337" />
      <source>A number is one of: {kinds}.</source>
      <translation>编号类型须为以下之一：{kinds}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/sales.py" line="327" />
      <source>A parked sale comes from a quote or an order number, nothing else.</source>
      <translation>挂起的销售只能来自报价单或订单编号。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="308" />
      <source>A part has at most {most} barcodes.</source>
      <translation>一个配件最多有 {most} 个条码。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="326" />
      <source>A part has at most {most} other numbers.</source>
      <translation>一个配件最多有 {most} 个其他编号。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="354" />
      <source>A part has at most {most} vehicle fitments.</source>
      <translation>一个配件最多有 {most} 条适用车型。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="60" />
      <source>A part number</source>
      <translation>配件编号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="335" />
      <source>A part to be checked (a warranty claim) goes to the quarantine location, not back on the shelf.</source>
      <translation>待检查的配件（质保索赔）进入隔离区，不放回货架。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/credentials.py" line="51" />
      <source>A password has at least {shortest} characters.</source>
      <translation>密码至少 {shortest} 个字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/credentials.py" line="54" />
      <source>A password mixes letters with digits or signs.</source>
      <translation>密码须同时包含字母和数字或符号。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/accounts.py" line="177" />
      <source>A payment must be more than 0.</source>
      <translation>付款金额必须大于 0。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="75" />
      <source>A points payment gives the number of points, not an amount.</source>
      <translation>积分付款应填写积分数，而不是金额。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="431" />
      <source>A quantity is a whole number of thousandths of the part's unit.</source>
      <translation>数量须为配件单位千分之一的整数倍。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="98" />
      <source>A quote has at most {most} labour lines.</source>
      <translation>报价单最多 {most} 行工时。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="150" />
      <source>A quote has at most {most} lines.</source>
      <translation>报价单最多 {most} 行。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="152" />
      <source>A quote is priced afresh: take the held prices of the old quote off the lines first.</source>
      <translation>报价单需重新计价：请先去掉各行中沿用的旧报价单价格。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="160" />
      <source>A quote is valid for at most a year: choose an earlier day.</source>
      <translation>报价单有效期最长一年：请选择更早的日期。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="680" />
      <source>A receipt holds at most {most} lines.</source>
      <translation>一张收货单最多 {most} 行。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="288" />
      <source>A reminder is due soon, and goes on the care list, this many days before its date or projected mileage.</source>
      <translation>在到期日期或预计到达里程之前此天数，保养提醒即为“即将到期”，并列入关怀名单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="660" />
      <source>A repair order has at most {count} lines.</source>
      <translation>维修工单最多 {count} 个项目。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_reports.py" line="377" />
      <source>A report covers at most {days} days: choose a shorter range.</source>
      <translation>报表最多涵盖 {days} 天：请选择更短的期间。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/complaints.py" line="526" />
      <source>A report covers at most {most} months.</source>
      <translation>报表最多涵盖 {most} 个月。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/returns.py" line="189" />
      <source>A return has at most {most} lines.</source>
      <translation>退货单最多 {most} 行。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="217" />
      <source>A return later than this many days after the sale needs a manager.</source>
      <translation>销售后超过此天数的退货需经理批准。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="219" />
      <source>A return worth more than this needs a manager. 100000 = 1,000.00</source>
      <translation>金额超过此值的退货需经理批准。100000 = 1,000.00</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/labels.py" line="101" />
      <source>A roll has no part-used sheet: labels always start at 1.</source>
      <translation>卷装标签没有用过一部分的标签纸：标签总是从 1 开始。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/labels.py" line="176" />
      <source>A roll label is at most {most} mm on a side (and more than 0).</source>
      <translation>卷装标签每边最多 {most} mm（且须大于 0）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/sales.py" line="104" />
      <source>A sale has at most {count} lines.</source>
      <translation>一笔销售最多 {count} 行。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="435" />
      <source>A scan counts at least something; type 0 as the line's quantity instead.</source>
      <translation>扫码计数必须大于零；如要记为 0，请在该行的数量中输入 0。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="438" />
      <source>A score is a whole number from {least} to {most} (“{question}”).</source>
      <translation>评分须为 {least} 到 {most} 之间的整数（“{question}”）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="293" />
      <source>A service package: several lines at once</source>
      <translation>服务套餐：一次添加多个项目</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/labels.py" line="77" />
      <source>A sheet has at least one column and one row of labels.</source>
      <translation>标签纸至少要有一列、一行标签。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/adjustments.py" line="284" />
      <source>A shrinkage report covers at most ten years.</source>
      <translation>损耗报表最多涵盖十年。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/stock_reports.py" line="144" />
      <source>A slow mover has 1 to 120 months of stock on hand.</source>
      <translation>滞销件的库存可售月数须在 1 到 120 个月之间。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="81" />
      <source>A status lasts until the order's next one; the current one until the report was made.</source>
      <translation>每个状态持续到工单的下一个状态；当前状态计算到报表生成时为止。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="291" />
      <source>A sublet job or another charge, at a price</source>
      <translation>外协项目或其他费用，按价格计</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="179" />
      <source>A survey score at or below this opens a complaint</source>
      <translation>满意度调查评分等于或低于此值时自动创建投诉</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1190" />
      <source>A technician is clocked on this order: clock off first.</source>
      <translation>有技师正在此工单上开工：请先停工。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1042" />
      <source>A technician is still clocked on this order: clock off first.</source>
      <translation>仍有技师在此工单上开工：请先停工。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/users.py" line="71" />
      <source>A user name is 1 to {count} letters, digits, dots, dashes or underscores, without spaces.</source>
      <translation>用户名为 1 到 {count} 个字母、数字、点、短横线或下划线，不能含空格。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="313" />
      <source>A vehicle arrived without an appointment: check it in</source>
      <translation>车辆未预约到店：办理接车</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="493" />
      <source>A vehicle from the file needs its customer: choose the customer first.</source>
      <translation>已建档车辆需要对应的客户：请先选择客户。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/customers.py" line="496" />
      <source>A vehicle needs its plate or its VIN.</source>
      <translation>车辆须填写车牌或 VIN。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cashup.py" line="306" />
      <source>A void is a line taken out or a whole cart cancelled.</source>
      <translation>作废是指删除一行或取消整个购物车。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/users.py" line="95" />
      <source>A {role} must also have a password.</source>
      <translation>{role}还必须设置密码。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="352" />
      <source>A, B or C</source>
      <translation>A、B 或 C</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="308" />
      <source>A4 printer</source>
      <translation>A4 打印机</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="306" />
      <source>A4 printer (invoices)</source>
      <translation>A4 打印机（发票）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="615" />
      <source>A4 sheet {c} x {r}: {n} labels of {w} x {h} mm</source>
      <translation>A4 标签纸 {c} x {r}：每张 {n} 个 {w} x {h} mm 标签</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/labels.py" line="149" />
      <source>A4 sheet: your grid (--grid COLSxROWS) and margins (--margins TOP,RIGHT,BOTTOM,LEFT [--gaps ACROSS,DOWN]); the label size follows</source>
      <translation>A4 标签纸：自设行列（--grid 列数x行数）和页边距（--margins 上,右,下,左 [--gaps 横向,纵向]）；标签尺寸随之确定</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="113" />
      <source>ABC</source>
      <translation>ABC</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="64" />
      <source>ABC class</source>
      <translation>ABC分类</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="162" />
      <source>ABC classes</source>
      <translation>ABC分类</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="382" />
      <source>ABC classes are A, B and C.</source>
      <translation>ABC分类为 A、B 和 C。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/stock_reports.py" line="64" />
      <source>ABC summary</source>
      <translation>ABC分类汇总</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="243" />
      <source>ABC: class A takes this share of consumption value (basis points)</source>
      <translation>ABC：A 类所占的用量金额份额（基点）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="246" />
      <source>ABC: class B takes the next share (basis points)</source>
      <translation>ABC：B 类占其后的份额（基点）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/adjustments.py" line="53" />
      <source>Abnormal</source>
      <translation>异常</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/shrinkage.py" line="56" />
      <source>Abnormal losses</source>
      <translation>异常损耗</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_care.py" line="101" />
      <source>About</source>
      <translation>事由</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="375" />
      <source>About: {document}</source>
      <translation>关于：{document}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="387" />
      <source>Accept an odometer reading below the last one</source>
      <translation>接受低于上次的里程表读数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="78" />
      <source>Account</source>
      <translation>挂账</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="159" />
      <source>Account customer</source>
      <translation>挂账客户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="198" />
      <source>Accuracy</source>
      <translation>准确率</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="72" />
      <source>Acti&amp;ve: orders may go to this supplier</source>
      <translation>启用：可向该供应商下单(&amp;V)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="105" />
      <source>Active</source>
      <translation>启用</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_editor.py" line="177" />
      <source>Active (sold and found by searches)</source>
      <translation>启用（可销售，可被搜索到）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="455" />
      <source>Actual h</source>
      <translation>实际小时</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="110" />
      <source>Add &amp;vehicle</source>
      <translation>添加车辆(&amp;V)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="881" />
      <source>Add (Enter)</source>
      <translation>添加（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="373" />
      <source>Add a bay (a lift, the alignment bay) for appointments</source>
      <translation>添加用于预约的工位（举升机、四轮定位工位）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="958" />
      <source>Add a canned job — {number}</source>
      <translation>添加标准套餐 — {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="385" />
      <source>Add a labour class with its rate per hour</source>
      <translation>添加工时类别及其每小时费率</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="185" />
      <source>Add a labour line: book hours at a labour class's rate</source>
      <translation>添加工时项目：按工时类别的费率计工时</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="133" />
      <source>Add a part (F2)</source>
      <translation>添加配件（F2）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="391" />
      <source>Add a part to the count (F2)</source>
      <translation>向盘点添加配件（F2）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="308" />
      <source>Add a part to this draft</source>
      <translation>向此草稿添加配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="307" />
      <source>Add a row</source>
      <translation>添加一行</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="400" />
      <source>Add a service package: parts, labour and charges added to a repair order at once</source>
      <translation>添加服务套餐：一次性向维修工单添加配件、工时和费用</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="162" />
      <source>Add a supplier with its contact, lead time and terms</source>
      <translation>添加供应商及其联系人、交货期和付款条件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="60" />
      <source>Add a user</source>
      <translation>添加用户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="144" />
      <source>Add a user (Ins)</source>
      <translation>添加用户（Ins）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_editor.py" line="239" />
      <source>Add a vehicle</source>
      <translation>添加车辆</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="187" />
      <source>Add another charge or a sublet (work done elsewhere), with its price</source>
      <translation>添加其他费用或外协（由其他店完成的工作）及其价格</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_editor.py" line="278" />
      <source>Add barcode</source>
      <translation>添加条码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="960" />
      <source>Add its lines (Enter)</source>
      <translation>添加其项目（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="879" />
      <source>Add labour (F3) — {number}</source>
      <translation>添加工时（F3） — {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_editor.py" line="280" />
      <source>Add number</source>
      <translation>添加编号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="918" />
      <source>Add other or sublet (F4) — {number}</source>
      <translation>添加其他费用或外协（F4） — {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_editor.py" line="282" />
      <source>Add vehicle</source>
      <translation>添加车辆</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="160" />
      <source>Add {part} to {number}</source>
      <translation>将 {part} 添加到 {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="690" />
      <source>Added a label of {number}.</source>
      <translation>已添加一张 {number} 的标签。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="622" />
      <source>Added {number} {name}: reserved for this order; it needs the customer's authorization.</source>
      <translation>已添加 {number} {name}：已为此工单预留；需要客户授权。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="198" />
      <source>Added {user} ({role}).</source>
      <translation>已添加 {user}（{role}）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="32" />
      <source>Address</source>
      <translation>地址</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/shrinkage.py" line="63" />
      <source>Adj.</source>
      <translation>调整笔数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_membership.py" line="152" />
      <source>Adjust &amp;points…</source>
      <translation>调整积分…(&amp;P)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="152" />
      <source>Adjust (Ctrl+Enter)</source>
      <translation>调整（Ctrl+Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_membership.py" line="92" />
      <source>Adjust points — {name}</source>
      <translation>调整积分 — {name}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="162" />
      <source>Adjust stock</source>
      <translation>库存调整</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="65" />
      <source>Adjusted</source>
      <translation>调整</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="32" />
      <source>Adjustment</source>
      <translation>调整</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/shrinkage.py" line="49" />
      <source>Adjustments</source>
      <translation>库存调整</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="29" />
      <source>Administrator</source>
      <translation>管理员</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/vehicles.py" line="33" />
      <source>Africa</source>
      <translation>非洲</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="256" />
      <source>After a code the scanner sends: {end}.</source>
      <translation>扫描枪在每个条码后发送：{end}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/reminders.py" line="61" />
      <source>After a service</source>
      <translation>保养后</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="188" />
      <source>After posting</source>
      <translation>过账后</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="289" />
      <source>After service</source>
      <translation>保养后</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="19" />
      <source>Aftermarket</source>
      <translation>副厂件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="424" />
      <source>Against</source>
      <translation>原单据</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="271" />
      <source>Ageing (days past due)</source>
      <translation>账龄（逾期天数）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="85" />
      <source>Ageing ({currency}), days past the due date on {date}</source>
      <translation>账龄（{currency}），截至 {date} 的逾期天数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="36" />
      <source>Agrees to offers</source>
      <translation>同意接收优惠</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_editor.py" line="75" />
      <source>Agrees to receive offers</source>
      <translation>同意接收优惠信息</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="62" />
      <source>Alipay</source>
      <translation>支付宝</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_reports.py" line="152" />
      <source>All</source>
      <translation>全部</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/complaints_register.py" line="95" />
      <source>All categories</source>
      <translation>所有类别</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="92" />
      <source>All checks passed.</source>
      <translation>所有检查均已通过。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/complaints_register.py" line="91" />
      <source>All statuses</source>
      <translation>所有状态</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="250" />
      <source>All {count} codes scanned.</source>
      <translation>全部 {count} 个条码已扫描。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="216" />
      <source>Also list reminders not yet within the lead time, and those due by mileage whose pace is not known yet</source>
      <translation>同时列出尚未进入提前期的保养提醒，以及按里程到期但行驶速度尚不清楚的提醒</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="374" />
      <source>Alt+D Day</source>
      <translation>Alt+D 日</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="382" />
      <source>Alt+G Group: bays</source>
      <translation>Alt+G 分组：工位</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="382" />
      <source>Alt+G Group: technicians</source>
      <translation>Alt+G 分组：技师</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="390" />
      <source>Alt+Home Today</source>
      <translation>Alt+Home 今天</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="376" />
      <source>Alt+W Week</source>
      <translation>Alt+W 周</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="386" />
      <source>Alt+← Prev</source>
      <translation>Alt+← 向前</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="388" />
      <source>Alt+→ Next</source>
      <translation>Alt+→ 向后</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/money.py" line="93" />
      <source>Amount</source>
      <translation>金额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/purchase_order.py" line="77" />
      <source>Amount ({currency})</source>
      <translation>金额（{currency}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="414" />
      <source>Amount back onto prepaid</source>
      <translation>退回储值的金额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="394" />
      <source>Amount paid from prepaid</source>
      <translation>储值支付金额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/adjustments.py" line="70" />
      <source>An adjustment changes the stock: enter a quantity other than zero.</source>
      <translation>库存调整会改变库存：请输入非零数量。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="241" />
      <source>An adjustment worth more than this at cost needs a manager. 50000 = 500.00</source>
      <translation>按成本计金额超过此值的库存调整需经理批准。50000 = 500.00</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="202" />
      <source>An invoice cannot fall due before it is issued.</source>
      <translation>发票的到期日不能早于开具日期。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/orders.py" line="175" />
      <source>An order has at most {most} lines.</source>
      <translation>订单最多 {most} 行。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="477" />
      <source>An order holds at most {most} lines.</source>
      <translation>采购单最多 {most} 行。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/tasks.py" line="276" />
      <source>An unexpected error happened: {kind}: {message}

Nothing half-done was kept. The details are in the log file; please tell support.</source>
      <translation>发生意外错误：{kind}：{message}

未保存任何未完成的操作。详细信息在日志文件中；请告知技术支持。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="198" />
      <source>Anomalies ({count}): flagged, the day can be closed all the same</source>
      <translation>异常（{count}）：已标出，仍可日结</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="197" />
      <source>Anomalies ({count}): flagged, the day was closed all the same</source>
      <translation>异常（{count}）：已标出，当天仍已日结</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="68" />
      <source>Anomalies:</source>
      <translation>异常：</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="196" />
      <source>Anomalies: none.</source>
      <translation>异常：无。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="144" />
      <source>Anonymize the customer at their request; invoices are kept</source>
      <translation>应客户要求匿名化客户信息；发票仍保留</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="246" />
      <source>Another car: describe it below</source>
      <translation>其他车辆：请在下方描述</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="452" />
      <source>Another terminal saved a part with the same number or barcode at the same moment. Search for it, then try again.</source>
      <translation>另一台终端同时保存了相同编号或条码的配件。请先搜索该配件，然后重试。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/complaints.py" line="371" />
      <source>Answer</source>
      <translation>答复</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="378" />
      <source>Answer ({when}): {text}</source>
      <translation>答复（{when}）：{text}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="187" />
      <source>Answer a complaint within (hours)</source>
      <translation>投诉答复时限（小时）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="302" />
      <source>Answer the customer</source>
      <translation>答复客户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="508" />
      <source>Answer, resolve, close or reopen the selected complaint (Enter)</source>
      <translation>答复、解决、关闭或重新打开所选投诉（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/complaints.py" line="25" />
      <source>Answered</source>
      <translation>已答复</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reprint_dialog.py" line="73" />
      <source>Any invoice, receipt or credit note prints again, marked COPY.</source>
      <translation>可重新打印任何发票、小票或红字冲销单，并标注“副本”。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="201" />
      <source>Any status</source>
      <translation>任意状态</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="303" />
      <source>Appointment</source>
      <translation>预约</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="353" />
      <source>Appointment #{appointment_id} is not in the calendar.</source>
      <translation>日程中没有预约 #{appointment_id}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="585" />
      <source>Appointment #{appointment_id} is {status}: only a booked appointment can be {doing}.</source>
      <translation>预约 #{appointment_id} 当前为{status}：只有已预约状态的预约才能{doing}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="648" />
      <source>Appointment #{appointment_id} starts at {start} on {day:%d %b}: it can be a no-show only once that time has passed.</source>
      <translation>预约 #{appointment_id} 的开始时间为 {day:%d %b} {start}：过了该时间才能标记为爽约。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="673" />
      <source>Appointment #{appointment_id} was checked in on another terminal just now.</source>
      <translation>预约 #{appointment_id} 刚刚已在另一台终端上接车。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="103" />
      <source>Appointment #{id}</source>
      <translation>预约 #{id}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="784" />
      <source>Appointment #{id} cancelled.</source>
      <translation>预约 #{id} 已取消。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="766" />
      <source>Appointment #{id} saved.</source>
      <translation>预约 #{id} 已保存。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="306" />
      <source>Appointments</source>
      <translation>预约</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stepup.py" line="77" />
      <source>Approve (Enter)</source>
      <translation>批准（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="143" />
      <source>Approved</source>
      <translation>已批准</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="246" />
      <source>Approved by</source>
      <translation>批准人</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="224" />
      <source>Approved by {name}</source>
      <translation>批准人：{name}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="404" />
      <source>Approved by {name}.</source>
      <translation>已由 {name} 批准。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="850" />
      <source>Approved or declined.</source>
      <translation>须为同意或拒绝。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stepup.py" line="69" />
      <source>Approver</source>
      <translation>批准人</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="31" />
      <source>Apr</source>
      <translation>4月</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="50" />
      <source>Arrived</source>
      <translation>已到达</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="192" />
      <source>As computed (class {0}): clear the override</source>
      <translation>按计算结果（分类 {0}）：清除手动设置</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="55" />
      <source>As of</source>
      <translation>截至日期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="172" />
      <source>As the shop (its language)</source>
      <translation>跟随门店（门店语言）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/vehicles.py" line="33" />
      <source>Asia</source>
      <translation>亚洲</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="426" />
      <source>Ask the customer how satisfied they are with the resolution, from 1 to 5.</source>
      <translation>请客户对处理结果的满意度打分，1 到 5 分。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="43" />
      <source>At</source>
      <translation>时间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="454" />
      <source>At most {left} can be returned: {sold} sold, {returned} returned already.</source>
      <translation>最多可退 {left}：已售 {sold}，已退 {returned}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="457" />
      <source>At most {left} can be returned: {sold} sold.</source>
      <translation>最多可退 {left}：已售 {sold}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/complaints.py" line="28" />
      <source>At the counter</source>
      <translation>柜台</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="215" />
      <source>Attach a photo file to the selected mark</source>
      <translation>为所选标记附加照片文件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="485" />
      <source>Attention</source>
      <translation>需注意</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/purchase_order.py" line="64" />
      <source>Attn. {contact}</source>
      <translation>收件人：{contact}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="31" />
      <source>Aug</source>
      <translation>8月</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="180" />
      <source>Authorization</source>
      <translation>客户授权</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_reports_view.py" line="199" />
      <source>Authorization rate</source>
      <translation>授权率</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="91" />
      <source>Authorization rate (lines of the orders checked in in the period)</source>
      <translation>授权率（本期接车工单的项目）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="102" />
      <source>Authorized</source>
      <translation>已授权</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="223" />
      <source>Authorized total ({currency})</source>
      <translation>已授权合计（{currency}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="414" />
      <source>Authorized total {authorized} of current total {current}</source>
      <translation>已授权金额 {authorized}，当前合计 {current}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="435" />
      <source>Available</source>
      <translation>可用</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="487" />
      <source>Available quantity: a whole number of thousandths is needed.</source>
      <translation>可用数量：须为千分之一的整数倍。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="77" />
      <source>Average h</source>
      <translation>平均小时</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="82" />
      <source>Average time to resolve</source>
      <translation>平均解决时间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="89" />
      <source>Average time to resolve: from received to resolved, over the complaints resolved in the period. Compensation and satisfaction: over the complaints resolved (closed) in the period.</source>
      <translation>平均解决时间：从收到到解决，按本期已解决的投诉计算。补偿和满意度：按本期已解决（已关闭）的投诉计算。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="437" />
      <source>Back as points</source>
      <translation>退回为积分</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="435" />
      <source>Back onto the prepaid balance</source>
      <translation>退回储值余额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="193" />
      <source>Back to stock (repaired) (Ctrl+R)</source>
      <translation>修复后返回库存（Ctrl+R）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="165" />
      <source>Back to the counter</source>
      <translation>返回柜台</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="771" />
      <source>Back to the list of counts</source>
      <translation>返回盘点列表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="713" />
      <source>Back to the list of counts (scans still waiting are counted first)</source>
      <translation>返回盘点列表（先计入尚在等待的扫码）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="393" />
      <source>Back to the purchase orders</source>
      <translation>返回采购单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="391" />
      <source>Back to today</source>
      <translation>回到今天</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="42" />
      <source>Backed up the database before upgrading it: {backup}</source>
      <translation>升级前已备份数据库：{backup}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="103" />
      <source>Backing up</source>
      <translation>正在备份</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="475" />
      <source>Backing up the shop database before closing…</source>
      <translation>关闭前正在备份门店数据库…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="378" />
      <source>Backup</source>
      <translation>备份</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="486" />
      <source>Backup failed</source>
      <translation>备份失败</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="294" />
      <source>Backup folder</source>
      <translation>备份文件夹</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="375" />
      <source>Backup written and checked: {file}</source>
      <translation>备份已写入并校验：{file}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="104" />
      <source>Backup written and verified: {file}</source>
      <translation>备份已写入并校验：{file}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="417" />
      <source>Backups (*.sqlite *.db);;All files (*)</source>
      <translation>备份文件 (*.sqlite *.db);;所有文件 (*)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="164" />
      <source>Backups (this PC)</source>
      <translation>备份（本机）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="355" />
      <source>Backups: by the PostgreSQL server (pg_dump)</source>
      <translation>备份：由 PostgreSQL 服务器完成（pg_dump）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_membership.py" line="99" />
      <source>Balance</source>
      <translation>余额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="90" />
      <source>Balance of the account</source>
      <translation>挂账余额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="244" />
      <source>Balanced.</source>
      <translation>金额相符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="59" />
      <source>Bank card</source>
      <translation>银行卡</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="60" />
      <source>Bank transfer</source>
      <translation>银行转账</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="240" />
      <source>Barcode</source>
      <translation>条码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_editor.py" line="265" />
      <source>Barcode (EAN-13, UPC-A, EAN-8, GTIN-14 or shop code)</source>
      <translation>条码（EAN-13、UPC-A、EAN-8、GTIN-14 或门店自编码）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="787" />
      <source>Barcode {code} already belongs to another part in the catalogue.</source>
      <translation>条码 {code} 已属于配件目录中的另一个配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="498" />
      <source>Barcode {code} already belongs to {part}. Remove it there first, or check the label.</source>
      <translation>条码 {code} 已属于 {part}。请先从该配件中删除此条码，或检查标签。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="663" />
      <source>Barcode {code} is not waiting as unknown in count {number}.</source>
      <translation>条码 {code} 不在盘点 {number} 待处理的未知条码中。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1062" />
      <source>Barcode {code} is now {number}'s: {qty} counted on it.</source>
      <translation>条码 {code} 现归属 {number}：已按其盘点 {qty}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="767" />
      <source>Barcode {code} is on rows {first} and {second}; a barcode finds one part.</source>
      <translation>条码 {code} 同时出现在第 {first} 行和第 {second} 行；一个条码只能对应一个配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_editor.py" line="279" />
      <source>Barcodes</source>
      <translation>条码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="561" />
      <source>Bay</source>
      <translation>工位</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="518" />
      <source>Bay #{bay_id} is not an active bay of the workshop.</source>
      <translation>工位 #{bay_id} 不是车间的启用工位。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="324" />
      <source>Bay / technician</source>
      <translation>工位 / 技师</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="244" />
      <source>Bay code</source>
      <translation>工位代码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="245" />
      <source>Bay name</source>
      <translation>工位名称</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="275" />
      <source>Bay {bay}</source>
      <translation>工位 {bay}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="425" />
      <source>Bays</source>
      <translation>工位</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/call_sheet.py" line="32" />
      <source>Best time</source>
      <translation>最佳时间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="35" />
      <source>Best time to call</source>
      <translation>最佳来电时间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="299" />
      <source>Bill to</source>
      <translation>购买方</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="169" />
      <source>Bin</source>
      <translation>货位</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="92" />
      <source>Bin location</source>
      <translation>货位</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/labels.py" line="233" />
      <source>Bin {bin}</source>
      <translation>货位 {bin}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="62" />
      <source>Bins</source>
      <translation>货位</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="37" />
      <source>Birthday</source>
      <translation>生日</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="289" />
      <source>Birthday {day}</source>
      <translation>生日 {day}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="62" />
      <source>Birthdays</source>
      <translation>生日</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="631" />
      <source>Blind</source>
      <translation>盲盘</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="144" />
      <source>Blind count: count what is on the shelf</source>
      <translation>盲盘：按货架上的实物盘点</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="305" />
      <source>Board</source>
      <translation>看板</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="264" />
      <source>Bodywork</source>
      <translation>车身外观</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="170" />
      <source>Book</source>
      <translation>账面</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="884" />
      <source>Book &amp;hours</source>
      <translation>计费工时(&amp;H)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="416" />
      <source>Book an appointment</source>
      <translation>新建预约</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="187" />
      <source>Book at count</source>
      <translation>盘点时账面数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="454" />
      <source>Book h</source>
      <translation>计费小时</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="893" />
      <source>Book hours</source>
      <translation>计费工时</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="465" />
      <source>Book hours in all</source>
      <translation>计费工时合计</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="50" />
      <source>Booked</source>
      <translation>已预约</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="764" />
      <source>Booked, but: {warnings}</source>
      <translation>已预约，但：{warnings}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="355" />
      <source>Both {first!r} and {second!r} look like the {field!r} column. Rename one, or say which to use in a mapping file.</source>
      <translation>{first!r} 和 {second!r} 看起来都是 {field!r} 列。请重命名其中一列，或在映射文件中指定使用哪一列。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="86" />
      <source>Brand</source>
      <translation>品牌</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="74" />
      <source>Building</source>
      <translation>正在创建</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="428" />
      <source>Building the demo shop: parts, stock, customers and two years of history…</source>
      <translation>正在创建演示门店：配件、库存、客户和两年的历史记录…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="138" />
      <source>Built by partsdesk demo; may be rebuilt.</source>
      <translation>由 partsdesk demo 创建；可能会被重建。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="240" />
      <source>By</source>
      <translation>操作人</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/reminders.py" line="61" />
      <source>By hand</source>
      <translation>手动</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="286" />
      <source>By km, pace unknown</source>
      <translation>按里程，行驶速度未知</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="96" />
      <source>By message</source>
      <translation>短信/消息</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/reminders.py" line="36" />
      <source>By mileage, pace unknown</source>
      <translation>按里程，行驶速度未知</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/shrinkage.py" line="95" />
      <source>By month</source>
      <translation>按月</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="96" />
      <source>By phone</source>
      <translation>电话</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/shrinkage.py" line="93" />
      <source>By reason</source>
      <translation>按原因</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/tender_dialog.py" line="104" />
      <source>C&amp;ard amount</source>
      <translation>银行卡金额(&amp;A)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="146" />
      <source>C&amp;atalog</source>
      <translation>配件目录(&amp;A)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="348" />
      <source>C&amp;ategories</source>
      <translation>类别(&amp;A)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/complaints_register.py" line="99" />
      <source>C&amp;ategory</source>
      <translation>类别(&amp;A)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="255" />
      <source>C&amp;hannel</source>
      <translation>渠道(&amp;H)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="174" />
      <source>C&amp;oncern</source>
      <translation>客户陈述(&amp;O)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="55" />
      <source>CANCELLED</source>
      <translation>已取消</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/purchase_order.py" line="46" />
      <source>CANCELLED: do not deliver.</source>
      <translation>已取消：请勿发货。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/quote.py" line="51" />
      <source>CANCELLED: this quote is no longer offered.</source>
      <translation>已取消：此报价单不再有效。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/purchase_order.py" line="47" />
      <source>CLOSED: nothing more is expected on this order.</source>
      <translation>已关闭：此采购单不会再有到货。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="252" />
      <source>COPY</source>
      <translation>副本</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/care_lists.py" line="244" />
      <source>CSV files (*.csv)</source>
      <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="254" />
      <source>Ca&amp;tegory</source>
      <translation>类别(&amp;T)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/history.py" line="29" />
      <source>Call</source>
      <translation>回访</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_care.py" line="125" />
      <source>Call &amp;back on</source>
      <translation>回电日期(&amp;B)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="51" />
      <source>Call back</source>
      <translation>回电</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="301" />
      <source>Call back about {document}</source>
      <translation>就 {document} 回电</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="54" />
      <source>Call back later</source>
      <translation>稍后回电</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="502" />
      <source>Call back on</source>
      <translation>回电日期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="559" />
      <source>Call back on {day}.</source>
      <translation>{day} 回电。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="322" />
      <source>Call list for {day}</source>
      <translation>{day} 回访名单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/call_sheet.py" line="43" />
      <source>Call sheet</source>
      <translation>回访单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/care_lists.py" line="230" />
      <source>Call sheet saved to {0}</source>
      <translation>回访单已保存到 {0}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/call_sheet.py" line="69" />
      <source>Call sheet · {span} · R/N/W/C outcome, score 1-5</source>
      <translation>回访单 · {span} · 结果填 R/N/W/C，评分 1-5</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_care.py" line="74" />
      <source>Call to {0}</source>
      <translation>致电 {0}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="45" />
      <source>Called at</source>
      <translation>回访时间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="30" />
      <source>Calls</source>
      <translation>回访记录</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_care.py" line="213" />
      <source>Calls are not shown to your role.</source>
      <translation>您的角色无权查看回访记录。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/call_sheet.py" line="43" />
      <source>Calls for</source>
      <translation>回访日期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/care_lists.py" line="154" />
      <source>Calls for {0}</source>
      <translation>{0} 的回访</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/care_lists.py" line="155" />
      <source>Calls for {0} to {1}</source>
      <translation>{0} 至 {1} 的回访</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_care.py" line="186" />
      <source>Calls made</source>
      <translation>已完成回访</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_care.py" line="184" />
      <source>Calls to make</source>
      <translation>待回访</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="333" />
      <source>Cancel (Esc)</source>
      <translation>取消（Esc）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="302" />
      <source>Cancel appointment #{id}</source>
      <translation>取消预约 #{id}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="307" />
      <source>Cancel appointment (Enter)</source>
      <translation>取消预约（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="227" />
      <source>Cancel quote… (Ctrl+D)</source>
      <translation>取消报价单…（Ctrl+D）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="184" />
      <source>Cancel reminder (Enter)</source>
      <translation>取消保养提醒（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="180" />
      <source>Cancel reminder: {service}</source>
      <translation>取消保养提醒：{service}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="859" />
      <source>Cancel repair order {number}</source>
      <translation>取消维修工单 {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="860" />
      <source>Cancel the order (Enter)</source>
      <translation>取消工单（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="321" />
      <source>Cancel the order (the car leaves unrepaired), with a reason</source>
      <translation>取消工单（车辆未修理离店），需填写原因</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="425" />
      <source>Cancel the selected appointment, with a reason</source>
      <translation>取消所选预约，需填写原因</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="498" />
      <source>Cancel this sale: empty the cart (the void is on record)</source>
      <translation>取消本次销售：清空购物车（作废会被记录）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="600" />
      <source>Cancel {number} (F8): nothing of it is coming</source>
      <translation>取消 {number}（F8）：全部不会到货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="306" />
      <source>Cancel {number}: say why, then Enter.</source>
      <translation>取消 {number}：请填写原因，然后按 Enter。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="51" />
      <source>Cancelled</source>
      <translation>已取消</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="626" />
      <source>Cancelled: {reason}</source>
      <translation>已取消：{reason}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="961" />
      <source>Canned &amp;job</source>
      <translation>标准套餐(&amp;J)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="391" />
      <source>Canned job</source>
      <translation>标准套餐</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="513" />
      <source>Canned job code</source>
      <translation>标准套餐代码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="514" />
      <source>Canned job name</source>
      <translation>标准套餐名称</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="162" />
      <source>Canned job {code} (F8)</source>
      <translation>标准套餐 {code}（F8）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="429" />
      <source>Canned jobs</source>
      <translation>标准套餐</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="306" />
      <source>Cannot read the mapping file {file}: {reason}.</source>
      <translation>无法读取映射文件 {file}：{reason}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/labels.py" line="241" />
      <source>Cannot read the parts: {problems}.</source>
      <translation>无法读取配件：{problems}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="266" />
      <source>Cannot read {file} as an Excel workbook ({error}). Save it again as .xlsx or as CSV and import that.</source>
      <translation>无法将 {file} 作为 Excel 工作簿读取（{error}）。请将其另存为 .xlsx 或 CSV 后再导入。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="665" />
      <source>Cannot read {path}: {reason}.</source>
      <translation>无法读取 {path}：{reason}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="668" />
      <source>Cannot write {path}: {reason}. Check the folder exists and the file is not open in a spreadsheet.</source>
      <translation>无法写入 {path}：{reason}。请检查文件夹是否存在，以及该文件是否正在电子表格程序中打开。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="57" />
      <source>Capital and small letters</source>
      <translation>大小写字母</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="130" />
      <source>Car &amp;described</source>
      <translation>车辆描述(&amp;D)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="270" />
      <source>Car clean</source>
      <translation>车辆已清洁</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="30" />
      <source>Card</source>
      <translation>银行卡</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/tender_dialog.py" line="109" />
      <source>Card &amp;reference</source>
      <translation>银行卡参考号(&amp;R)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="33" />
      <source>Card amount</source>
      <translation>银行卡金额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="69" />
      <source>Card reference: up to {most} printable characters.</source>
      <translation>银行卡参考号：最多 {most} 个可打印字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="257" />
      <source>Care</source>
      <translation>客户关怀</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="132" />
      <source>Care &amp;lists…</source>
      <translation>关怀名单…(&amp;L)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/care_lists.py" line="73" />
      <source>Care lists</source>
      <translation>关怀名单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="157" />
      <source>Care task #{task_id} does not exist.</source>
      <translation>关怀任务 #{task_id} 不存在。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="30" />
      <source>Cash</source>
      <translation>现金</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="33" />
      <source>Cash amount</source>
      <translation>现金金额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="131" />
      <source>Cash drawer ({currency})</source>
      <translation>钱箱（{currency}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="122" />
      <source>Cash in and out</source>
      <translation>现金存取</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="237" />
      <source>Cash paid in</source>
      <translation>现金存入</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="238" />
      <source>Cash paid out</source>
      <translation>现金取出</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="122" />
      <source>Cash payments on account</source>
      <translation>挂账现金还款</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="123" />
      <source>Cash prepaid top-ups</source>
      <translation>现金储值充值</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="237" />
      <source>Cash refunds</source>
      <translation>现金退款</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="152" />
      <source>Cash rounding</source>
      <translation>现金舍入</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="236" />
      <source>Cash sales</source>
      <translation>现金销售</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="120" />
      <source>Cash sales (tendered less change)</source>
      <translation>现金销售（实收减找零）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="95" />
      <source>Cash-up — terminal {name}</source>
      <translation>交班结算 — 收银台 {name}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="225" />
      <source>Cash-up: over or short flagged above (minor units)</source>
      <translation>交班结算：长短款超过此值时标出（单位：分）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="24" />
      <source>Cashier</source>
      <translation>收银员</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="243" />
      <source>Catalogue prices &amp;include VAT (usual at a counter)</source>
      <translation>配件目录价格含增值税（柜台常用）(&amp;I)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="63" />
      <source>Categories</source>
      <translation>类别</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="89" />
      <source>Category</source>
      <translation>类别</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="136" />
      <source>Category {category!r} is unknown; pick one of the shop's categories.</source>
      <translation>类别 {category!r} 不存在；请从门店的类别中选择。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/complaints.py" line="310" />
      <source>Category: one of {categories}.</source>
      <translation>类别：须为 {categories} 之一。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="201" />
      <source>Change</source>
      <translation>找零</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1069" />
      <source>Change line {line} — {number}</source>
      <translation>修改第 {line} 项 — {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="146" />
      <source>Change role (F6)</source>
      <translation>更改角色（F6）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="418" />
      <source>Change the selected appointment (Enter on the list, Ctrl+Enter anywhere, or a double-click)</source>
      <translation>修改所选预约（在列表中按 Enter、任意位置按 Ctrl+Enter 或双击）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="403" />
      <source>Change the selected canned job and its lines (or Enter on the list)</source>
      <translation>修改所选标准套餐及其项目（或在列表中按 Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="387" />
      <source>Change the selected class's code, name or rate</source>
      <translation>修改所选工时类别的代码、名称或费率</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="164" />
      <source>Change the selected supplier (Enter on the list, Ctrl+Enter anywhere, or a double-click)</source>
      <translation>修改所选供应商（在列表中按 Enter、任意位置按 Ctrl+Enter 或双击）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/tender_dialog.py" line="220" />
      <source>Change {amount}</source>
      <translation>找零 {amount}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="205" />
      <source>Changed the secret of {user}; any lock-out is cleared.</source>
      <translation>已更改 {user} 的PIN码或密码；如有锁定已解除。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/complaints_register.py" line="45" />
      <source>Channel</source>
      <translation>渠道</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/complaints.py" line="312" />
      <source>Channel: one of {channels}.</source>
      <translation>渠道：须为 {channels} 之一。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1111" />
      <source>Charge a price below the gross-profit floor on repair order {number}</source>
      <translation>在维修工单 {number} 上按低于毛利下限的价格收费</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="338" />
      <source>Charge the quoted price</source>
      <translation>按报价收费</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="138" />
      <source>Check in (Ctrl+Enter)</source>
      <translation>接车（Ctrl+Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="134" />
      <source>Check in a vehicle</source>
      <translation>接车</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="241" />
      <source>Check in: find the vehicle (F2)</source>
      <translation>接车：查找车辆（F2）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="421" />
      <source>Check-in sheet</source>
      <translation>接车单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="443" />
      <source>Check-in sheet {number}</source>
      <translation>接车单 {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="152" />
      <source>Checked by</source>
      <translation>复核人</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="220" />
      <source>Checked by: ______________________</source>
      <translation>复核人：______________________</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="93" />
      <source>Checked in</source>
      <translation>已接车</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="422" />
      <source>Checking a vehicle in needs a service advisor.</source>
      <translation>接车需要服务顾问操作。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="444" />
      <source>Checking and restoring the backup…</source>
      <translation>正在校验并恢复备份…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="122" />
      <source>Checking the backup</source>
      <translation>正在校验备份</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_io_dialogs.py" line="100" />
      <source>Checking {file}…</source>
      <translation>正在校验 {file}…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="446" />
      <source>Checklist item</source>
      <translation>检查项目</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="63" />
      <source>Cheque</source>
      <translation>支票</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="275" />
      <source>Chinese make</source>
      <translation>中文品牌</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="276" />
      <source>Chinese model</source>
      <translation>中文车型</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="88" />
      <source>Chinese name</source>
      <translation>中文名称</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="98" />
      <source>Chip</source>
      <translation>掉漆</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="95" />
      <source>Choose (Enter)</source>
      <translation>选择（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="966" />
      <source>Choose a canned job.</source>
      <translation>请选择标准套餐。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="329" />
      <source>Choose a customer in the list, or make a new one.</source>
      <translation>请在列表中选择客户，或新建客户。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_membership.py" line="182" />
      <source>Choose a customer to see their membership.</source>
      <translation>选择客户以查看其会员信息。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="477" />
      <source>Choose a customer, or give the name of a new one.</source>
      <translation>请选择客户，或填写新客户的姓名。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="616" />
      <source>Choose a labour class (set them up in the workshop's setup).</source>
      <translation>请选择工时类别（在车间设置中添加）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/customers.py" line="230" />
      <source>Choose a member of staff who works here now to look after the account.</source>
      <translation>请选择一位在职员工作为此客户的负责人。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="453" />
      <source>Choose a part in the quarantine list first.</source>
      <translation>请先在隔离列表中选择配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="603" />
      <source>Choose a part of the catalogue that is for sale.</source>
      <translation>请选择配件目录中在售的配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="274" />
      <source>Choose a quote first.</source>
      <translation>请先选择报价单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/adjustments.py" line="63" />
      <source>Choose a reason for the adjustment: {reasons}.</source>
      <translation>请选择库存调整原因：{reasons}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="351" />
      <source>Choose a reason: every adjustment says why.</source>
      <translation>请选择原因：每次库存调整都须说明原因。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="633" />
      <source>Choose a technician who works here.</source>
      <translation>请选择一位在职技师。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="403" />
      <source>Choose an order on the board or in the list first.</source>
      <translation>请先在看板或列表中选择工单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/returns.py" line="187" />
      <source>Choose at least one line of the sale to return.</source>
      <translation>请至少选择销售中的一行进行退货。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="365" />
      <source>Choose at least one of the {kind} to count.</source>
      <translation>请至少选择一个要盘点的{kind}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="387" />
      <source>Choose how it was paid: {methods}.</source>
      <translation>请选择付款方式：{methods}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="541" />
      <source>Choose one of the customer's vehicles (or add it to their file).</source>
      <translation>请选择该客户的一辆车（或将车辆添加到其档案中）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="538" />
      <source>Choose the customer first.</source>
      <translation>请先选择客户。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="497" />
      <source>Choose the customer's vehicle, or describe the car ("white Golf B-XY 123").</source>
      <translation>请选择客户的车辆，或描述车辆（“白色高尔夫 京A·12345”）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="476" />
      <source>Choose the customer, or scan their member card</source>
      <translation>选择客户，或扫描其会员卡</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1026" />
      <source>Choose the earlier job.</source>
      <translation>请选择之前的工单项目。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="591" />
      <source>Choose the kind of line: {kinds}.</source>
      <translation>请选择项目类型：{kinds}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="681" />
      <source>Choose the line that may be a comeback first.</source>
      <translation>请先选择可能是返修的工单项目。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="860" />
      <source>Choose the lines the customer answered for.</source>
      <translation>请选择客户已答复的项目。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="472" />
      <source>Choose the reason for the return.</source>
      <translation>请选择退货原因。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="145" />
      <source>Choose the reason…</source>
      <translation>请选择原因…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="592" />
      <source>Choose the supplier the goods came from. Nothing was posted.</source>
      <translation>请选择供货的供应商。未过账任何内容。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="131" />
      <source>Choose the vehicle's owner as the customer first.</source>
      <translation>请先选择车主作为客户。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cashup.py" line="264" />
      <source>Choose what the cash is: {kinds}.</source>
      <translation>请选择现金类型：{kinds}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/login.py" line="75" />
      <source>Choose your name and type your PIN.</source>
      <translation>请选择您的姓名并输入PIN码。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/login.py" line="165" />
      <source>Choose your name in the list first.</source>
      <translation>请先在列表中选择您的姓名。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/login.py" line="73" />
      <source>Choose your name, then type your PIN (managers and administrators: your password) and press Enter.</source>
      <translation>选择您的姓名，然后输入PIN码（经理和管理员：输入密码），再按 Enter。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="217" />
      <source>Choose… (Ctrl+O)</source>
      <translation>选择…（Ctrl+O）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="65" />
      <source>Chosen parts</source>
      <translation>指定配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="385" />
      <source>Chosen parts are given by their ids.</source>
      <translation>指定配件须按其 ID 给出。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="232" />
      <source>Chosen: {name}</source>
      <translation>已选择：{name}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="169" />
      <source>Class</source>
      <translation>分类</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/accounts.py" line="54" />
      <source>Class A needs at least class B's revenue ({revenue}).</source>
      <translation>A 类的消费额至少须达到 B 类的标准（{revenue}）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/accounts.py" line="57" />
      <source>Class A needs at least class B's visits ({visits}).</source>
      <translation>A 类的到店次数至少须达到 B 类的标准（{visits}）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/accounts.py" line="33" />
      <source>Class A revenue</source>
      <translation>A 类消费额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/accounts.py" line="33" />
      <source>Class A visits</source>
      <translation>A 类到店次数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="151" />
      <source>Class A: revenue in 12 months (minor units)</source>
      <translation>A 类：12 个月消费额（单位：分）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="153" />
      <source>Class A: visits in 12 months</source>
      <translation>A 类：12 个月到店次数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/accounts.py" line="33" />
      <source>Class B revenue</source>
      <translation>B 类消费额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/accounts.py" line="34" />
      <source>Class B visits</source>
      <translation>B 类到店次数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="154" />
      <source>Class B: revenue in 12 months (minor units)</source>
      <translation>B 类：12 个月消费额（单位：分）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="156" />
      <source>Class B: visits in 12 months</source>
      <translation>B 类：12 个月到店次数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="77" />
      <source>Class a</source>
      <translation>A 类客户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="77" />
      <source>Class b</source>
      <translation>B 类客户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="77" />
      <source>Class c</source>
      <translation>C 类客户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="188" />
      <source>Class of {0}</source>
      <translation>{0} 的分类</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="404" />
      <source>Class saved.</source>
      <translation>分类已保存。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="191" />
      <source>Class {0}</source>
      <translation>{0} 类</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="338" />
      <source>Class {0}, set by hand: {1} (computed: {2}, {3})</source>
      <translation>{0} 类，手动设置：{1}（计算结果：{2}，{3}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="341" />
      <source>Class {0}: {1}</source>
      <translation>{0} 类：{1}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="198" />
      <source>Class {abc} by 12 months' consumption value</source>
      <translation>按 12 个月用量金额为 {abc} 类</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="157" />
      <source>Class {grade} customer</source>
      <translation>{grade} 类客户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="155" />
      <source>Class {grade} customer with an account</source>
      <translation>有挂账的 {grade} 类客户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="495" />
      <source>Clear all</source>
      <translation>全部清除</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="225" />
      <source>Click the outline to mark damage.</source>
      <translation>点击车身轮廓图标记损伤。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_table.py" line="107" />
      <source>Click to sort</source>
      <translation>点击排序</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="57" />
      <source>Click where the car is damaged to mark it</source>
      <translation>点击车辆受损位置进行标记</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="323" />
      <source>Clo&amp;se complaint</source>
      <translation>关闭投诉(&amp;S)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="900" />
      <source>Clock on as a technician: log in first.</source>
      <translation>以技师身份开工：请先登录。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="63" />
      <source>Clocked h</source>
      <translation>打卡小时</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="919" />
      <source>Clocked off your other job first.</source>
      <translation>已先在您的另一项工作上停工。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="938" />
      <source>Clocked off {number} line {line_no}.</source>
      <translation>已在 {number} 第 {line_no} 项上停工。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="478" />
      <source>Clocked on now: {who}</source>
      <translation>正在开工：{who}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="925" />
      <source>Clocked on {number} line {line_no}.</source>
      <translation>已在 {number} 第 {line_no} 项上开工。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="338" />
      <source>Close (Esc)</source>
      <translation>关闭（Esc）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="147" />
      <source>Close the day (count the drawer first: expected cash is shown after)</source>
      <translation>日结（请先清点钱箱：之后才显示应有现金）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="318" />
      <source>Close with the customer's satisfaction with the resolution</source>
      <translation>关闭投诉，记录客户对处理结果的满意度</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="132" />
      <source>Close without saving what was not saved</source>
      <translation>关闭，不保存尚未保存的内容</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_editor.py" line="500" />
      <source>Close without saving your changes?</source>
      <translation>不保存更改就关闭吗？</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="605" />
      <source>Close {number} (F7): the rest is not coming</source>
      <translation>关闭 {number}（F7）：剩余部分不会到货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/complaints.py" line="25" />
      <source>Closed</source>
      <translation>已关闭</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="165" />
      <source>Closed by</source>
      <translation>日结人</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="68" />
      <source>Closed or cancelled</source>
      <translation>已关闭或已取消</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="83" />
      <source>Closes at</source>
      <translation>关门时间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="474" />
      <source>Closing</source>
      <translation>正在关闭</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="272" />
      <source>Closing the day…</source>
      <translation>正在日结…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="151" />
      <source>Code</source>
      <translation>代码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="228" />
      <source>Code {number} of the sheet was scanned instead of {expected}: cover the other codes with a hand or a sheet of paper and scan that one again.</source>
      <translation>扫描到的是测试页上的第 {number} 个条码，而不是第 {expected} 个：请用手或纸遮住其他条码，再扫描一次该条码。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/customers.py" line="460" />
      <source>Colour</source>
      <translation>颜色</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_io_dialogs.py" line="58" />
      <source>Column</source>
      <translation>列</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="550" />
      <source>Columns</source>
      <translation>列数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="466" />
      <source>Comeback of {line}</source>
      <translation>{line} 的返修</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="64" />
      <source>Comeback rate</source>
      <translation>返修率</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="984" />
      <source>Comeback? — {number} line {n}</source>
      <translation>是否返修？— {number} 第 {n} 项</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="64" />
      <source>Comebacks</source>
      <translation>返修</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="303" />
      <source>Command line</source>
      <translation>命令行</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="46" />
      <source>Comment</source>
      <translation>备注</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="17" />
      <source>Company</source>
      <translation>公司</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="327" />
      <source>Compare the prices of a part (F2)</source>
      <translation>比较配件价格（F2）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="199" />
      <source>Compare the suppliers' prices of a part</source>
      <translation>比较各供应商的配件价格</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="316" />
      <source>Compensation</source>
      <translation>补偿</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/complaints.py" line="394" />
      <source>Compensation cannot be negative.</source>
      <translation>补偿不能为负数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="84" />
      <source>Compensation given ({currency})</source>
      <translation>已给予的补偿（{currency}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/complaints.py" line="396" />
      <source>Compensation is too large.</source>
      <translation>补偿金额过大。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/complaints.py" line="392" />
      <source>Compensation: an amount in the shop's currency.</source>
      <translation>补偿：须为门店币种的金额。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="384" />
      <source>Compensation: {amount}</source>
      <translation>补偿：{amount}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="95" />
      <source>Complaint</source>
      <translation>投诉</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="193" />
      <source>Complaint categories</source>
      <translation>投诉类别</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="368" />
      <source>Complaint {number}</source>
      <translation>投诉 {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/complaints.py" line="197" />
      <source>Complaint {number} is not in the register.</source>
      <translation>投诉登记簿中没有投诉 {number}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="561" />
      <source>Complaint {number} opened for the low score.</source>
      <translation>因评分过低已创建投诉 {number}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/complaints.py" line="363" />
      <source>Complaint {number} was changed on another terminal. Open it again.</source>
      <translation>投诉 {number} 已在另一台终端上被修改。请重新打开。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="31" />
      <source>Complaints</source>
      <translation>投诉</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="540" />
      <source>Complaints are not shown to your role.</source>
      <translation>您的角色无权查看投诉。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="136" />
      <source>Complaints re&amp;gister…</source>
      <translation>投诉登记簿…(&amp;G)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="80" />
      <source>Complaints received</source>
      <translation>收到的投诉</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="57" />
      <source>Complaints received, by category and month</source>
      <translation>收到的投诉（按类别和月份）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/complaints_register.py" line="84" />
      <source>Complaints register</source>
      <translation>投诉登记簿</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="54" />
      <source>Complaints report</source>
      <translation>投诉报表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="105" />
      <source>Complaints report {period}</source>
      <translation>投诉报表 {period}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="81" />
      <source>Complaints resolved in the period</source>
      <translation>本期已解决的投诉</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="439" />
      <source>Concern: {concern}</source>
      <translation>客户陈述：{concern}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/shop.py" line="100" />
      <source>Connected to {where}, but its shop was made by a newer PartsDesk (schema {version}). Update PartsDesk on this PC first.</source>
      <translation>已连接到 {where}，但其中的门店由更新版本的 PartsDesk 创建（数据库结构版本 {version}）。请先更新本机的 PartsDesk。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/shop.py" line="97" />
      <source>Connected to {where}. It holds no shop yet: PartsDesk sets it up at the next start.</source>
      <translation>已连接到 {where}。其中尚无门店：PartsDesk 将在下次启动时进行设置。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/shop.py" line="103" />
      <source>Connected to {where}: a PartsDesk shop (schema {version}).</source>
      <translation>已连接到 {where}：PartsDesk 门店（数据库结构版本 {version}）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="37" />
      <source>Consent given</source>
      <translation>同意时间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="155" />
      <source>Contact</source>
      <translation>联系人</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="125" />
      <source>Contact &amp;name</source>
      <translation>联系人姓名(&amp;N)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="126" />
      <source>Contact &amp;phone</source>
      <translation>联系电话(&amp;P)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="55" />
      <source>Contact name</source>
      <translation>联系人姓名</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="30" />
      <source>Contact person</source>
      <translation>联系人</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_table.py" line="65" />
      <source>Contact: {0}</source>
      <translation>联系人：{0}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="57" />
      <source>Converted</source>
      <translation>已转销售</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="101" />
      <source>Core charge</source>
      <translation>旧件押金</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="211" />
      <source>Cost</source>
      <translation>成本</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="93" />
      <source>Cost price</source>
      <translation>成本价</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/backup.py" line="264" />
      <source>Could not back up {path}: {detail}. No backup was written.</source>
      <translation>无法备份 {path}：{detail}。未写入任何备份。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/first_run.py" line="248" />
      <source>Could not copy the logo into {folder}: {error}.</source>
      <translation>无法将标志复制到 {folder}：{error}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/shop.py" line="95" />
      <source>Could not open the database: {error}</source>
      <translation>无法打开数据库：{error}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/app.py" line="133" />
      <source>Could not open the shop database {url}:
{error}

Check that the file or the PostgreSQL server is there and reachable, then start PartsDesk again.</source>
      <translation>无法打开门店数据库 {url}：
{error}

请检查文件或 PostgreSQL 服务器是否存在并可访问，然后重新启动 PartsDesk。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/backup.py" line="488" />
      <source>Could not replace {path} ({reason}). Close every program that uses it and restore again; the file as it was is kept as {kept}.</source>
      <translation>无法替换 {path}（{reason}）。请关闭所有使用该文件的程序后重新恢复；原文件已保留为 {kept}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="67" />
      <source>Coun&amp;ter</source>
      <translation>柜台(&amp;T)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="149" />
      <source>Count</source>
      <translation>盘点单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="263" />
      <source>Count a part (F2)</source>
      <translation>盘点配件（F2）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="697" />
      <source>Count a part found by search (one, or N*)</source>
      <translation>盘点通过搜索找到的配件（一个，或 N*）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="150" />
      <source>Count sheet</source>
      <translation>盘点表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="158" />
      <source>Count sheet {number}</source>
      <translation>盘点表 {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="269" />
      <source>Count the drawer and type the cash in it first.</source>
      <translation>请先清点钱箱并输入其中的现金金额。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="146" />
      <source>Count the drawer first, then close the day: the Z report</source>
      <translation>先清点钱箱，再日结：生成Z报表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="493" />
      <source>Count them as &amp;zero: posting takes them off the book</source>
      <translation>按零计(&amp;Z)：过账后从账面扣除</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="229" />
      <source>Count tolerance, class A parts (basis points of book)</source>
      <translation>盘点允差，A 类配件（账面数的基点）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="232" />
      <source>Count tolerance, class B parts (basis points of book)</source>
      <translation>盘点允差，B 类配件（账面数的基点）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="234" />
      <source>Count tolerance, class C parts (basis points of book)</source>
      <translation>盘点允差，C 类配件（账面数的基点）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="929" />
      <source>Count {number} is already posted; a count posts once.</source>
      <translation>盘点 {number} 已过账；盘点只能过账一次。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="449" />
      <source>Count {number} is finished: only the parts sent for a recount can be counted again.</source>
      <translation>盘点 {number} 已完成：只有送去复盘的配件可以再次盘点。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="931" />
      <source>Count {number} is still open: finish it (and say what becomes of the parts nobody counted) before it is approved.</source>
      <translation>盘点 {number} 仍在进行中：请先结束盘点（并确定未盘到的配件如何处理），然后才能审批。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="742" />
      <source>Count {number} is {status}, not open: it cannot be finished again.</source>
      <translation>盘点 {number} 当前为{status}，不在进行中：无法再次结束。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="773" />
      <source>Count {number} is {status}: it cannot be cancelled.</source>
      <translation>盘点 {number} 当前为{status}：无法取消。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="934" />
      <source>Count {number} is {status}: it cannot be posted.</source>
      <translation>盘点 {number} 当前为{status}：无法过账。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="658" />
      <source>Count {number} is {status}: link the barcode from the part's card.</source>
      <translation>盘点 {number} 当前为{status}：请在配件资料卡中关联该条码。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="451" />
      <source>Count {number} is {status}: nothing more can be counted in it.</source>
      <translation>盘点 {number} 当前为{status}：不能再在其中盘点。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="898" />
      <source>Count {number} is {status}: recounts are asked for while reviewing a finished count.</source>
      <translation>盘点 {number} 当前为{status}：只能在审核已完成的盘点时申请复盘。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="170" />
      <source>Counted</source>
      <translation>实盘数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="219" />
      <source>Counted and closed by: ______________________</source>
      <translation>清点并日结人：______________________</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="152" />
      <source>Counted by</source>
      <translation>盘点人</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="238" />
      <source>Counted cash</source>
      <translation>实点现金</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="443" />
      <source>Counted total (F4): {part}</source>
      <translation>实盘总数(F4)：{part}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="161" />
      <source>Counter</source>
      <translation>柜台</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="864" />
      <source>Counting stock needs the stock.count permission.</source>
      <translation>盘点库存需要 stock.count 权限。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="140" />
      <source>Country calling code</source>
      <translation>国际区号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="880" />
      <source>Counts</source>
      <translation>盘点</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="98" />
      <source>Crack</source>
      <translation>裂纹</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/login.py" line="237" />
      <source>Create (Enter)</source>
      <translation>创建(Enter)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/login.py" line="204" />
      <source>Create the first administrator</source>
      <translation>创建首个管理员</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="159" />
      <source>Credit</source>
      <translation>挂账</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="256" />
      <source>Credit &amp;terms…</source>
      <translation>挂账条件(&amp;T)…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="43" />
      <source>Credit limit</source>
      <translation>信用额度</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="437" />
      <source>Credit limit cannot be negative.</source>
      <translation>信用额度不能为负数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="439" />
      <source>Credit limit is too large.</source>
      <translation>信用额度过大。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="376" />
      <source>Credit limit {0}, {1} days</source>
      <translation>信用额度 {0}，账期 {1} 天</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="344" />
      <source>Credit limit {0}, {1} days · balance {2}</source>
      <translation>信用额度 {0}，账期 {1} 天 · 余额 {2}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="432" />
      <source>Credit limit: a number is needed.</source>
      <translation>信用额度：须为数字。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="31" />
      <source>Credit note</source>
      <translation>红字冲销单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="231" />
      <source>Credit note date</source>
      <translation>红字冲销单日期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="228" />
      <source>Credit note number</source>
      <translation>红字冲销单编号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="237" />
      <source>Credit note {document} is already on an account.</source>
      <translation>红字冲销单 {document} 已记入挂账账户。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cashup.py" line="70" />
      <source>Credit notes</source>
      <translation>红字冲销单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="399" />
      <source>Credit terms saved.</source>
      <translation>挂账条件已保存。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="160" />
      <source>Credit terms — {0}</source>
      <translation>挂账条件 — {0}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="299" />
      <source>Credit to</source>
      <translation>退款对象</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="433" />
      <source>Credited to the account</source>
      <translation>已退入挂账账户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="304" />
      <source>Ctrl+B Comeback</source>
      <translation>Ctrl+B 返修</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="320" />
      <source>Ctrl+D Cancel RO</source>
      <translation>Ctrl+D 取消工单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="198" />
      <source>Ctrl+D Cancel order</source>
      <translation>Ctrl+D 取消订单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="388" />
      <source>Ctrl+D Create draft orders</source>
      <translation>Ctrl+D 生成采购单草稿</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="229" />
      <source>Ctrl+D Mark done</source>
      <translation>Ctrl+D 标记已完成</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="216" />
      <source>Ctrl+Del Remove</source>
      <translation>Ctrl+Del 删除</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="497" />
      <source>Ctrl+Del Void sale</source>
      <translation>Ctrl+Del 作废销售</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="299" />
      <source>Ctrl+E Set expected date</source>
      <translation>Ctrl+E 设置预计到货日</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="311" />
      <source>Ctrl+Enter Send</source>
      <translation>Ctrl+Enter 发送</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="376" />
      <source>Ctrl+F6 Deactivate</source>
      <translation>Ctrl+F6 停用</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="388" />
      <source>Ctrl+F7 Deactivate</source>
      <translation>Ctrl+F7 停用</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="405" />
      <source>Ctrl+F8 Deactivate</source>
      <translation>Ctrl+F8 停用</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="292" />
      <source>Ctrl+K Canned job</source>
      <translation>Ctrl+K 标准套餐</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="197" />
      <source>Ctrl+K Mark picked</source>
      <translation>Ctrl+K 标记已拣货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="312" />
      <source>Ctrl+N Check in</source>
      <translation>Ctrl+N 接车</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="415" />
      <source>Ctrl+N New</source>
      <translation>Ctrl+N 新建</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="637" />
      <source>Ctrl+N New count</source>
      <translation>Ctrl+N 新建盘点</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="260" />
      <source>Ctrl+N New order</source>
      <translation>Ctrl+N 新建采购单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="227" />
      <source>Ctrl+N New reminder</source>
      <translation>Ctrl+N 新建保养提醒</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="161" />
      <source>Ctrl+N New supplier</source>
      <translation>Ctrl+N 新建供应商</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="214" />
      <source>Ctrl+O Photo…</source>
      <translation>Ctrl+O 照片…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="643" />
      <source>Ctrl+P Count sheet</source>
      <translation>Ctrl+P 盘点表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="159" />
      <source>Ctrl+P Print</source>
      <translation>Ctrl+P 打印</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="196" />
      <source>Ctrl+P Print pick list</source>
      <translation>Ctrl+P 打印拣货单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="493" />
      <source>Ctrl+P Reprint</source>
      <translation>Ctrl+P 补打</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="763" />
      <source>Ctrl+P Variance report</source>
      <translation>Ctrl+P 差异报表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="321" />
      <source>Ctrl+S Save as PDF</source>
      <translation>Ctrl+S 另存为 PDF</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="161" />
      <source>Ctrl+Shift+P Preview</source>
      <translation>Ctrl+Shift+P 预览</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="294" />
      <source>Ctrl+U Quote</source>
      <translation>Ctrl+U 报价单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="700" />
      <source>Ctrl+Z Undo scan</source>
      <translation>Ctrl+Z 撤销扫描</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="189" />
      <source>Ctrl+{0}</source>
      <translation>快捷键 Ctrl+{0}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="78" />
      <source>Cu&amp;stomers</source>
      <translation>客户(&amp;S)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="139" />
      <source>Currency</source>
      <translation>币种</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/first_run.py" line="201" />
      <source>Currency: one of {currencies}.</source>
      <translation>币种：须为 {currencies} 之一。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="29" />
      <source>Current</source>
      <translation>未到期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="221" />
      <source>Current total ({currency})</source>
      <translation>当前合计（{currency}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="519" />
      <source>Custom A4 sheet (your grid and margins)</source>
      <translation>自定义 A4 标签纸（自设行列和页边距）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="557" />
      <source>Custom roll label</source>
      <translation>自定义卷装标签</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="520" />
      <source>Custom roll labels (your size)</source>
      <translation>自定义卷装标签（自设尺寸）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="548" />
      <source>Custom sheet</source>
      <translation>自定义标签纸</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/call_sheet.py" line="32" />
      <source>Customer</source>
      <translation>客户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="86" />
      <source>Customer #{customer_id} is not in the customer file (merged or erased).</source>
      <translation>客户档案中没有客户 #{customer_id}（已合并或已清除）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="474" />
      <source>Customer #{customer_id} is not in the customer file (or was merged).</source>
      <translation>客户档案中没有客户 #{customer_id}（或已被合并）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="771" />
      <source>Customer #{customer_id} is not in the customer file any more (merged into #{merged_into} or erased).</source>
      <translation>客户 #{customer_id} 已不在客户档案中（已合并到 #{merged_into} 或已清除）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="774" />
      <source>Customer #{customer_id} is not in the customer file any more (merged or erased).</source>
      <translation>客户 #{customer_id} 已不在客户档案中（已合并或已清除）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/complaints.py" line="327" />
      <source>Customer #{customer_id} is not in the customer file.</source>
      <translation>客户档案中没有客户 #{customer_id}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="111" />
      <source>Customer #{id} is not in the customer file any more (merged or erased).</source>
      <translation>客户 #{id} 已不在客户档案中（已合并或已清除）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/customers.py" line="124" />
      <source>Customer #{id} is not in the customer file.</source>
      <translation>客户档案中没有客户 #{id}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="23" />
      <source>Customer #{} is not in the customer file any more (merged or erased).</source>
      <translation>客户 #{} 已不在客户档案中（已合并或已清除）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="158" />
      <source>Customer (F3)</source>
      <translation>客户(F3)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="306" />
      <source>Customer called: car sold</source>
      <translation>客户来电：车已卖掉</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="160" />
      <source>Customer care</source>
      <translation>客户关怀</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="143" />
      <source>Customer class: A, B or C, not {given!r}.</source>
      <translation>客户分类须为 A、B 或 C，而不是 {given!r}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="159" />
      <source>Customer classes</source>
      <translation>客户分类</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="98" />
      <source>Customer name, phone or plate</source>
      <translation>客户姓名、电话或车牌</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="62" />
      <source>Customer no.</source>
      <translation>客户编号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="46" />
      <source>Customer no. #{number}</source>
      <translation>客户编号 #{number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/first_run.py" line="38" />
      <source>Customer orders</source>
      <translation>客户订单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="28" />
      <source>Customer type</source>
      <translation>客户类型</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="90" />
      <source>Customer type is a person or a company.</source>
      <translation>客户类型须为个人或公司。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1145" />
      <source>Customer's authorization (F6) — {number}</source>
      <translation>客户授权(F6) — {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="387" />
      <source>Customer's satisfaction: {score} of {most}</source>
      <translation>客户满意度：{score} 分（满分 {most} 分）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="281" />
      <source>Customer's signature</source>
      <translation>客户签字</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="228" />
      <source>Customer: {name}</source>
      <translation>客户：{name}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="421" />
      <source>Customer: {who}</source>
      <translation>客户：{who}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="86" />
      <source>Customers' satisfaction with the resolution</source>
      <translation>客户对处理结果的满意度</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="356" />
      <source>Cycle count of {day}</source>
      <translation>{day} 循环盘点</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="248" />
      <source>Cycle counts a year, class A parts</source>
      <translation>每年循环盘点次数，A 类配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="250" />
      <source>Cycle counts a year, class B parts</source>
      <translation>每年循环盘点次数，B 类配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="252" />
      <source>Cycle counts a year, class C parts</source>
      <translation>每年循环盘点次数，C 类配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1175" />
      <source>D&amp;eclined (kept as a recommendation)</source>
      <translation>拒绝（保留为建议项目）(&amp;E)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="257" />
      <source>D&amp;ocument</source>
      <translation>单据(&amp;O)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="135" />
      <source>D&amp;uration</source>
      <translation>时长(&amp;U)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/purchase_order.py" line="46" />
      <source>DRAFT: not yet an order.</source>
      <translation>草稿：尚未正式下单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="298" />
      <source>Daily backups kept</source>
      <translation>保留的每日备份数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="410" />
      <source>Damage</source>
      <translation>损伤</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/adjustments.py" line="43" />
      <source>Damage (to quarantine)</source>
      <translation>损坏（移入隔离区）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="460" />
      <source>Damage mark {mark}: choose {kinds}.</source>
      <translation>损伤标记 {mark}：请选择 {kinds}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="469" />
      <source>Damage mark {mark}: the photo is larger than {megabytes} MB.</source>
      <translation>损伤标记 {mark}：照片大于 {megabytes} MB。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="466" />
      <source>Damage mark {mark}: the photo must be a JPEG or PNG file that exists ({file}).</source>
      <translation>损伤标记 {mark}：照片必须是已存在的 JPEG 或 PNG 文件（{file}）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="430" />
      <source>Damage marks</source>
      <translation>损伤标记</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="429" />
      <source>Damage noted</source>
      <translation>已记录的损伤</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/shrinkage.py" line="75" />
      <source>Damaged, into quarantine</source>
      <translation>损坏，移入隔离区</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="58" />
      <source>Dash and dot</source>
      <translation>短横线和点</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="163" />
      <source>Database (this PC)</source>
      <translation>数据库（本机）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="90" />
      <source>Database: {name}</source>
      <translation>数据库：{name}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="116" />
      <source>Date</source>
      <translation>日期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="376" />
      <source>Day</source>
      <translation>日期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="279" />
      <source>Day closed: {number}. Expected {expected}, counted {counted}. {result}</source>
      <translation>已日结：{number}。应有 {expected}，实点 {counted}。{result}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="91" />
      <source>Days</source>
      <translation>天数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/accounts.py" line="34" />
      <source>Days late</source>
      <translation>逾期天数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="157" />
      <source>Days late on average that cost one class</source>
      <translation>平均逾期天数达到此值时降一级分类</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="70" />
      <source>Days overdue</source>
      <translation>逾期天数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="508" />
      <source>Deactivate</source>
      <translation>停用</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="377" />
      <source>Deactivate the selected bay (or reactivate it)</source>
      <translation>停用所选工位（或重新启用）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="406" />
      <source>Deactivate the selected canned job (or reactivate it)</source>
      <translation>停用所选标准套餐（或重新启用）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="389" />
      <source>Deactivate the selected class (or reactivate it)</source>
      <translation>停用所选工时类别（或重新启用）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_reports_view.py" line="154" />
      <source>Dead stock</source>
      <translation>呆滞库存</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/stock_reports.py" line="141" />
      <source>Dead stock looks back 1 to {months} months.</source>
      <translation>呆滞库存的回溯期为 1 到 {months} 个月。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_reports_view.py" line="104" />
      <source>Dead stock: no sale in the last</source>
      <translation>呆滞库存：连续无销售</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/stock_reports.py" line="70" />
      <source>Dead stock: on hand, no sale in {months} months</source>
      <translation>呆滞库存：有在库，{months} 个月内无销售</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="32" />
      <source>Dec</source>
      <translation>12月</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="240" />
      <source>Declined</source>
      <translation>已拒绝</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/reminders.py" line="61" />
      <source>Declined work</source>
      <translation>客户拒绝的项目</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_documents.py" line="197" />
      <source>Declined {method} — {who}, {at:%Y-%m-%d}</source>
      <translation>{method}拒绝 — {who}，{at:%Y-%m-%d}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="145" />
      <source>Default tax rate (basis points)</source>
      <translation>默认税率（基点）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="424" />
      <source>Del Cancel</source>
      <translation>Del 取消预约</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="231" />
      <source>Del Cancel reminder</source>
      <translation>Del 取消提醒</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="479" />
      <source>Del Remove</source>
      <translation>Del 删除</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="309" />
      <source>Del Remove line</source>
      <translation>Del 删除行</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="204" />
      <source>Del Remove price</source>
      <translation>Del 删除价格</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1365" />
      <source>Deliver (F12) — {number}</source>
      <translation>交车(F12) — {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="541" />
      <source>Delivered</source>
      <translation>已交车</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="832" />
      <source>Delivered: invoice {invoice}, change {change}. Follow-up call on {day}.</source>
      <translation>已交车：发票 {invoice}，找零 {change}。{day} 电话回访。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="544" />
      <source>Delivery note</source>
      <translation>交车单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="561" />
      <source>Delivery note {number}</source>
      <translation>交车单 {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="138" />
      <source>Demo shop</source>
      <translation>演示门店</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="98" />
      <source>Dent</source>
      <translation>凹陷</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="87" />
      <source>Description</source>
      <translation>名称</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="403" />
      <source>Details</source>
      <translation>详情</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="170" />
      <source>Diff.</source>
      <translation>差异</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="744" />
      <source>Difference</source>
      <translation>差异</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="227" />
      <source>Differences (counted − book at count)</source>
      <translation>差异（实盘数 − 盘点时账面数）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="56" />
      <source>Digits</source>
      <translation>数字</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="150" />
      <source>Disable (Ctrl+D)</source>
      <translation>禁用(Ctrl+D)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="181" />
      <source>Disabled</source>
      <translation>已禁用</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/quote.py" line="47" />
      <source>Disc.</source>
      <translation>折扣</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="259" />
      <source>Discount</source>
      <translation>折扣</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="90" />
      <source>Discount bp</source>
      <translation>折扣（基点）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="143" />
      <source>Discounts and price changes</source>
      <translation>折扣和改价</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="44" />
      <source>Document</source>
      <translation>单据</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="43" />
      <source>Document no</source>
      <translation>单据编号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/complaints.py" line="317" />
      <source>Document number</source>
      <translation>单据编号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/complaints.py" line="320" />
      <source>Document number is one line.</source>
      <translation>单据编号只能为一行。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="252" />
      <source>Document numbers</source>
      <translation>单据编号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_membership.py" line="162" />
      <source>Document or reason</source>
      <translation>单据或原因</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/complaints.py" line="315" />
      <source>Document type: one of {types}.</source>
      <translation>单据类型：须为 {types} 之一。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="149" />
      <source>Documents</source>
      <translation>单据</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="455" />
      <source>Done</source>
      <translation>完成</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="161" />
      <source>Done &amp;on</source>
      <translation>完成日期(&amp;O)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="215" />
      <source>Done (Esc)</source>
      <translation>完成(Esc)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="162" />
      <source>Done at &amp;km</source>
      <translation>完成时里程(&amp;K)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/reminders.py" line="296" />
      <source>Done at (km)</source>
      <translation>完成时里程（km）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/reminders.py" line="290" />
      <source>Done on</source>
      <translation>完成日期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="54" />
      <source>Draft</source>
      <translation>草稿</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="556" />
      <source>Draft {number} made: F2 adds its parts.</source>
      <translation>已生成草稿 {number}：按 F2 添加配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="65" />
      <source>Drafts</source>
      <translation>草稿</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="232" />
      <source>Drop the selected reminder, with the reason</source>
      <translation>取消所选提醒，需填写原因</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="141" />
      <source>Dropped from customers' phone numbers so +86 138… and 138… are the same number.</source>
      <translation>从客户电话号码中去掉此区号，使 +86 138… 与 138… 视为同一号码。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="200" />
      <source>Dry run: nothing written.</source>
      <translation>试运行：未写入任何内容。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/reminders.py" line="35" />
      <source>Due</source>
      <translation>到期日</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="135" />
      <source>Due &amp;on</source>
      <translation>到期日期(&amp;O)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="137" />
      <source>Due at &amp;km</source>
      <translation>到期里程(&amp;K)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/reminders.py" line="66" />
      <source>Due at (km)</source>
      <translation>到期里程（km）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/reminders.py" line="157" />
      <source>Due at (km) is at most {most:,}.</source>
      <translation>到期里程（km）最多为 {most:,}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="199" />
      <source>Due date</source>
      <translation>到期日</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="220" />
      <source>Due km</source>
      <translation>到期里程</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="44" />
      <source>Due on</source>
      <translation>到期日期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/reminders.py" line="35" />
      <source>Due soon</source>
      <translation>即将到期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="284" />
      <source>Due soon ({days} d)</source>
      <translation>即将到期（{days} 天）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="285" />
      <source>Due today</source>
      <translation>今天到期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="59" />
      <source>Duration (minutes)</source>
      <translation>时长（分钟）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="510" />
      <source>Duration is {least} to {most} minutes (24 hours).</source>
      <translation>时长为 {least} 到 {most} 分钟（24 小时）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="307" />
      <source>E</source>
      <translation>空</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="143" />
      <source>E&amp;rase personal data…</source>
      <translation>清除个人信息(&amp;R)…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="297" />
      <source>E&amp;xpected</source>
      <translation>预计到货(&amp;X)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/care_lists.py" line="108" />
      <source>E&amp;xport CSV…</source>
      <translation>导出 CSV(&amp;X)…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="139" />
      <source>E&amp;xport personal data…</source>
      <translation>导出个人信息(&amp;X)…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/complaints.py" line="29" />
      <source>E-mail</source>
      <translation>电子邮箱</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="304" />
      <source>E-mail: {email!r} is not an e-mail address (name@example.com).</source>
      <translation>电子邮箱：{email!r} 不是有效的电子邮箱地址（name@example.com）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="59" />
      <source>EAN-13, as on a part's box</source>
      <translation>EAN-13，如配件包装盒上所印</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="285" />
      <source>Each a name, every so many days and/or km (0: not by that measure); a delivered job line or canned job whose name contains the type's name makes the next reminder.</source>
      <translation>每项包括名称，以及间隔天数和/或公里数（0：不按该方式计算）；已交车的工单项目或标准套餐的名称中包含该类型名称时，即生成下一次保养提醒。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="253" />
      <source>Each kind of document is numbered on its own: the prefix, a dash and six digits. Keep the suggestions or type your own (1 to {n} letters and digits, each different).</source>
      <translation>每类单据单独编号：前缀、短横线加六位数字。可保留建议的前缀，也可自行输入（1 到 {n} 位字母或数字，各类前缀不能相同）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="101" />
      <source>Each line counts once, by the customer's latest answer. Lines that needed re-authorization (approved again after a change): {count:,} line(s).</source>
      <translation>每个项目只计一次，按客户最近一次答复统计。需要重新授权（修改后再次批准）的项目：{count:,} 项。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="990" />
      <source>Earlier &amp;work</source>
      <translation>以往施工(&amp;W)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="65" />
      <source>Earned</source>
      <translation>获得</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="63" />
      <source>Efficiency</source>
      <translation>工效</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="70" />
      <source>Efficiency is book hours ÷ clocked hours; the comeback rate is the share of the lines a later order linked back to as a comeback.</source>
      <translation>工效 = 标准工时 ÷ 打卡工时；返修率指被后续工单关联为返修的项目所占比例。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="43" />
      <source>Empty</source>
      <translation>空</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="291" />
      <source>Empty: the shop file in this PC's data folder. Or the full path of a SQLite file, or postgresql://user:password@host:port/dbname for a PostgreSQL server that every terminal shares. Used from the next start; partsdesk --db overrides it.</source>
      <translation>留空：使用本机数据文件夹中的门店文件。也可填写 SQLite 文件的完整路径，或所有终端共用的 PostgreSQL 服务器地址 postgresql://user:password@host:port/dbname。下次启动时生效；partsdesk --db 参数优先于此设置。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="331" />
      <source>Empty: the shop's language. Printed documents follow the screen.</source>
      <translation>留空：使用门店的语言。打印的单据与屏幕语言一致。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_membership.py" line="148" />
      <source>En&amp;rol</source>
      <translation>入会(&amp;R)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="205" />
      <source>Enable (Ctrl+D)</source>
      <translation>启用(Ctrl+D)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="259" />
      <source>End of the working day; a bay or technician has the hours between opening and closing.</source>
      <translation>工作日的结束时间；工位或技师的可用时间为开门到关门之间的时段。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="705" />
      <source>End the counting; say what becomes of the parts nobody counted</source>
      <translation>结束盘点，并确定未盘到的配件如何处理</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/customers.py" line="460" />
      <source>Engine</source>
      <translation>发动机</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="235" />
      <source>Enter</source>
      <translation>Enter 键</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="296" />
      <source>Enter Change</source>
      <translation>Enter 修改</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="639" />
      <source>Enter Count</source>
      <translation>Enter 盘点</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="417" />
      <source>Enter Edit</source>
      <translation>Enter 编辑</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="163" />
      <source>Enter Edit supplier</source>
      <translation>Enter 编辑供应商</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="315" />
      <source>Enter Open order</source>
      <translation>Enter 打开工单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1433" />
      <source>Enter Print</source>
      <translation>Enter 打印</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="107" />
      <source>Enter Record</source>
      <translation>Enter 记录</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/adjustments.py" line="237" />
      <source>Enter how much to release, above zero (thousandths of the part's unit).</source>
      <translation>请输入要解除隔离的数量，须大于零（以配件单位的千分之一计）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="515" />
      <source>Erase every personal detail of {0}? Their invoices and history stay under an anonymous name. This cannot be undone.

Why (for example: the customer asked on 3 May):</source>
      <translation>要清除 {0} 的全部个人信息吗？其发票和历史记录将以匿名名称保留。此操作无法撤销。

原因（例如：客户于 5 月 3 日提出要求）：</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="514" />
      <source>Erase personal data</source>
      <translation>清除个人信息</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="165" />
      <source>Esc Close</source>
      <translation>Esc 关闭</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="712" />
      <source>Esc Counts</source>
      <translation>Esc 返回盘点列表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="392" />
      <source>Esc Orders</source>
      <translation>Esc 返回采购单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="258" />
      <source>Estimate</source>
      <translation>估价单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="287" />
      <source>Estimate {number}</source>
      <translation>估价单 {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="324" />
      <source>Estimate, check-in sheet, job card, pick list or delivery note</source>
      <translation>估价单、接车单、派工单、拣货单或交车单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/vehicles.py" line="33" />
      <source>Europe</source>
      <translation>欧洲</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1237" />
      <source>Every authorized part still to issue</source>
      <translation>所有已授权、尚待发料的配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="261" />
      <source>Every code arrived as printed: the scanner is ready.</source>
      <translation>所有条码读取结果与打印内容一致：扫描枪已就绪。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="137" />
      <source>Every complaint, overdue ones first to see; the monthly report</source>
      <translation>全部投诉，逾期的排在最前；另含月度报表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="232" />
      <source>Every line is authorized.</source>
      <translation>所有项目均已授权。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="525" />
      <source>Every part in the scope of {number} with stock on the book was counted.</source>
      <translation>{number} 范围内有账面库存的配件均已盘点。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="963" />
      <source>Every part of {number} is already issued.</source>
      <translation>{number} 的所有配件均已发料。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="61" />
      <source>Everything</source>
      <translation>全部</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="348" />
      <source>Everything sold on {number} was returned already: there is nothing left to take back.</source>
      <translation>{number} 上售出的商品已全部退货，没有可再退的了。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/purchase_order.py" line="120" />
      <source>Expected</source>
      <translation>预期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="124" />
      <source>Expected cash</source>
      <translation>应有现金</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="251" />
      <source>Expected cash is below zero ({amount}): more cash went out than the float and the sales brought in. Check the refunds and paid-outs.</source>
      <translation>应有现金小于零（{amount}）：取出的现金超过了备用金与销售收入之和。请检查退款和现金取出记录。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="530" />
      <source>Expected date</source>
      <translation>预计到货日期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="337" />
      <source>Expire points as of a day (a date).</source>
      <translation>积分过期的截止日须为日期。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="65" />
      <source>Expired</source>
      <translation>已过期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_membership.py" line="161" />
      <source>Expires</source>
      <translation>过期日</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="45" />
      <source>Expires on</source>
      <translation>过期日期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/care_lists.py" line="243" />
      <source>Export for text messages</source>
      <translation>导出用于发送短信</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_io_dialogs.py" line="159" />
      <source>Export parts</source>
      <translation>导出配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="499" />
      <source>Export personal data</source>
      <translation>导出个人信息</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="82" />
      <source>Exported</source>
      <translation>导出时间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="154" />
      <source>Exported {count:,} parts to {file}</source>
      <translation>已将 {count:,} 个配件导出到 {file}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="153" />
      <source>Exporting</source>
      <translation>正在导出</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="308" />
      <source>F</source>
      <translation>满</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="760" />
      <source>F10 Approve and post</source>
      <translation>F10 审批并过账</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="145" />
      <source>F10 Close day (Z)</source>
      <translation>F10 日结(Z)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="316" />
      <source>F10 Done / QC</source>
      <translation>F10 完工 / 质检</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="704" />
      <source>F10 Finish</source>
      <translation>F10 结束盘点</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="495" />
      <source>F11 Cash-up</source>
      <translation>F11 交班结算</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="318" />
      <source>F12 Deliver</source>
      <translation>F12 交车</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="489" />
      <source>F12 Tender</source>
      <translation>F12 收款</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="307" />
      <source>F2 Add part</source>
      <translation>F2 添加配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="306" />
      <source>F2 Add part…</source>
      <translation>F2 添加配件…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="198" />
      <source>F2 Find part</source>
      <translation>F2 查找配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="143" />
      <source>F2 Find vehicle</source>
      <translation>F2 查找车辆</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="696" />
      <source>F2 Search</source>
      <translation>F2 搜索</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="288" />
      <source>F3 Add labour</source>
      <translation>F3 添加工时</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="475" />
      <source>F3 Customer</source>
      <translation>F3 客户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="146" />
      <source>F3 New customer</source>
      <translation>F3 新客户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="200" />
      <source>F4 Add or change price</source>
      <translation>F4 添加或修改价格</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="186" />
      <source>F4 Add other charge</source>
      <translation>F4 添加其他费用</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="420" />
      <source>F4 Arrived</source>
      <translation>F4 已到店</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="698" />
      <source>F4 Counted total</source>
      <translation>F4 实盘总数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="290" />
      <source>F4 Other</source>
      <translation>F4 其他费用</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="477" />
      <source>F4 Quantity</source>
      <translation>F4 数量</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="428" />
      <source>F5 Refresh</source>
      <translation>F5 刷新</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="157" />
      <source>F5 X report</source>
      <translation>F5 X报表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="169" />
      <source>F5 shows the X report: the day so far.</source>
      <translation>按 F5 查看 X报表：当天截至目前的情况。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="307" />
      <source>F6 Authorize</source>
      <translation>F6 授权</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="426" />
      <source>F6 Call list</source>
      <translation>F6 电话确认名单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="702" />
      <source>F6 Link to part…</source>
      <translation>F6 关联到配件…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="374" />
      <source>F6 Rename</source>
      <translation>F6 重命名</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="491" />
      <source>F6 Return</source>
      <translation>F6 退货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="309" />
      <source>F7 Clock on</source>
      <translation>F7 开工</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="315" />
      <source>F7 Close order</source>
      <translation>F7 关闭采购单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="386" />
      <source>F7 Edit</source>
      <translation>F7 编辑</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="486" />
      <source>F7 Orders</source>
      <translation>F7 订单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="757" />
      <source>F7 Request recount</source>
      <translation>F7 申请复盘</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="313" />
      <source>F8 Cancel order</source>
      <translation>F8 取消采购单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="311" />
      <source>F8 Clock off</source>
      <translation>F8 停工</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="402" />
      <source>F8 Edit</source>
      <translation>F8 编辑</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="202" />
      <source>F8 Make preferred</source>
      <translation>F8 设为首选</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="481" />
      <source>F8 Park / recall</source>
      <translation>F8 挂单 / 取单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="312" />
      <source>F9 Issue parts</source>
      <translation>F9 发料</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="422" />
      <source>F9 No-show</source>
      <translation>F9 爽约</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="483" />
      <source>F9 Quote</source>
      <translation>F9 报价单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="262" />
      <source>F9 Reorder</source>
      <translation>F9 补货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="641" />
      <source>F9 Review</source>
      <translation>F9 审核</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="39" />
      <source>FAILED</source>
      <translation>失败</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="384" />
      <source>FRONT</source>
      <translation>前</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="485" />
      <source>Fail</source>
      <translation>不合格</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="31" />
      <source>Feb</source>
      <translation>2月</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="84" />
      <source>Field</source>
      <translation>项目</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/scanner_test_sheet.py" line="60" />
      <source>File &gt; Scanner set-up…</source>
      <translation>文件 &gt; 扫描枪设置…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_tab.py" line="106" />
      <source>Find</source>
      <translation>查找</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="115" />
      <source>Find &amp;parts for it</source>
      <translation>查找适用配件(&amp;P)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="256" />
      <source>Find a part for the canned job (F2)</source>
      <translation>为标准套餐查找配件(F2)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="474" />
      <source>Find a part in the catalogue and add it</source>
      <translation>在配件目录中查找配件并添加</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="183" />
      <source>Find a part in the catalogue and add it as a line</source>
      <translation>在配件目录中查找配件，添加为一行</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="137" />
      <source>Find a part to order (F2)</source>
      <translation>查找要订购的配件(F2)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="451" />
      <source>Find a part: number, barcode or words — Enter adds it</source>
      <translation>查找配件：编号、条码或关键词 — 按 Enter 添加</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="286" />
      <source>Find the customer (name, phone or plate), or tick “New customer”.</source>
      <translation>请查找客户（姓名、电话或车牌），或勾选“新客户”。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="144" />
      <source>Find the customer's vehicle by name, phone or plate</source>
      <translation>按姓名、电话或车牌查找客户车辆</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="228" />
      <source>Find the customer's vehicle, then the service and when it is due</source>
      <translation>先查找客户车辆，再填写保养项目和到期时间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="343" />
      <source>Find the part to adjust first (scan it or type its number).</source>
      <translation>请先找到要调整的配件（扫码或输入配件编号）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="373" />
      <source>Find the vehicle first (F2).</source>
      <translation>请先查找车辆(F2)。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="501" />
      <source>Finish (Enter)</source>
      <translation>完成(Enter)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="489" />
      <source>Finish count {number} (F10)</source>
      <translation>结束盘点 {number}(F10)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="54" />
      <source>Finished, to approve</source>
      <translation>已完成，待审批</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="112" />
      <source>Finished, to review</source>
      <translation>已完成，待审核</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1246" />
      <source>Finishing once the scans still waiting are counted…</source>
      <translation>待处理的扫描计入后即结束盘点…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="149" />
      <source>First</source>
      <translation>起始号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_editor.py" line="287" />
      <source>Fits vehicles</source>
      <translation>适用车型</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="195" />
      <source>Flags</source>
      <translation>提示</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="139" />
      <source>Floats, pay-ins and pay-outs</source>
      <translation>备用金、现金存入和取出</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="265" />
      <source>Fluid levels</source>
      <translation>油液液位</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="297" />
      <source>Follow-up after {document}</source>
      <translation>{document} 后回访</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/complaints.py" line="29" />
      <source>Follow-up call</source>
      <translation>电话回访</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="275" />
      <source>Follow-up call after a delivery (days)</source>
      <translation>交车后电话回访（天）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="177" />
      <source>Follow-up call after a visit (days)</source>
      <translation>到店后电话回访（天）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="62" />
      <source>Follow-up calls due</source>
      <translation>待回访</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="90" />
      <source>Follow-up done</source>
      <translation>已回访</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="184" />
      <source>Follow-up survey questions (scored 1-5)</source>
      <translation>回访满意度调查问题（1-5 分）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/pick_list.py" line="109" />
      <source>For</source>
      <translation>客户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="127" />
      <source>For a customer in the file: only if not their own</source>
      <translation>已建档客户：仅在不是本人电话时填写</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="205" />
      <source>Forget the selected supplier's price for this part</source>
      <translation>删除所选供应商对此配件的报价</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/adjustments.py" line="46" />
      <source>Found</source>
      <translation>找回</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_table.py" line="30" />
      <source>Found by</source>
      <translation>匹配依据</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="220" />
      <source>Found more: {plus} · found less: {minus} · net {net} {currency} at cost.</source>
      <translation>盘盈：{plus} · 盘亏：{minus} · 按成本计净额 {net} {currency}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="80" />
      <source>French</source>
      <translation>法语</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="69" />
      <source>French (AZERTY)</source>
      <translation>法语（AZERTY）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="163" />
      <source>From</source>
      <translation>从</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="257" />
      <source>From quote</source>
      <translation>来自报价单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="461" />
      <source>From quote {number}, valid until {day}.</source>
      <translation>来自报价单 {number}，有效期至 {day}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="399" />
      <source>From quote {number}: its prices hold until {day}.</source>
      <translation>来自报价单 {number}：其价格有效期至 {day}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_editor.py" line="267" />
      <source>From year</source>
      <translation>起始年份</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="56" />
      <source>From {when}</source>
      <translation>自 {when}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="423" />
      <source>Fuel</source>
      <translation>油量</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="530" />
      <source>Fuel level (eighths)</source>
      <translation>油量（八分之几）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="43" />
      <source>Full</source>
      <translation>满</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/labels.py" line="197" />
      <source>Gaps</source>
      <translation>间距</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="553" />
      <source>Gaps: across</source>
      <translation>间距：横向</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="80" />
      <source>German</source>
      <translation>德语</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="68" />
      <source>German (QWERTZ)</source>
      <translation>德语（QWERTZ）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="202" />
      <source>Give --pin and/or --password (a value, or '-' to read it from standard input).</source>
      <translation>请指定 --pin 和/或 --password（填写值，或用 '-' 从标准输入读取）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="218" />
      <source>Give a line discount or a price, not both.</source>
      <translation>行折扣和价格只能填写一项，不能同时填写。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/users.py" line="144" />
      <source>Give a new PIN or a new password.</source>
      <translation>请填写新PIN码或新密码。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="484" />
      <source>Give a phone number, so the shop can confirm the booking.</source>
      <translation>请填写电话号码，以便门店确认预约。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="501" />
      <source>Give the date and time of the appointment.</source>
      <translation>请填写预约的日期和时间。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/reminders.py" line="168" />
      <source>Give the date or the mileage it is due at (or choose a service type of the settings).</source>
      <translation>请填写到期日期或到期里程（或选择设置中的保养类型）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/complaints.py" line="322" />
      <source>Give the document's number.</source>
      <translation>请填写单据编号。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_reports.py" line="370" />
      <source>Give the first day of the report as a date.</source>
      <translation>请以日期形式填写报表的开始日期。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_reports.py" line="372" />
      <source>Give the last day of the report as a date.</source>
      <translation>请以日期形式填写报表的结束日期。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="155" />
      <source>Give the last day the quote is valid.</source>
      <translation>请填写报价单有效期的最后一天。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/sales.py" line="321" />
      <source>Give the parked sale a name of 1 to {count} characters (for example the customer's).</source>
      <translation>请为挂起的销售填写 1 到 {count} 个字符的名称（例如客户姓名）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="627" />
      <source>Give the price.</source>
      <translation>请填写价格。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/users.py" line="245" />
      <source>Give the reason for this approval; it goes into the audit log.</source>
      <translation>请填写批准原因，将记入审计日志。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/stock_reports.py" line="148" />
      <source>Give the report's day as a date.</source>
      <translation>请以日期形式填写报表日期。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/adjustments.py" line="276" />
      <source>Give the report's first and last day as dates.</source>
      <translation>请以日期形式填写报表的开始和结束日期。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="703" />
      <source>Give the selected unknown barcode to a part, counting its scans</source>
      <translation>将所选未知条码关联到配件，并计入其扫描数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="147" />
      <source>Give the selected user another role</source>
      <translation>为所选用户更换角色</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/users.py" line="131" />
      <source>Give this user a password before making them a manager.</source>
      <translation>设为经理之前，请先为该用户设置密码。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="143" />
      <source>Given away</source>
      <translation>让利</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/login.py" line="105" />
      <source>Go on (Enter)</source>
      <translation>继续(Enter)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1054" />
      <source>Go through the checklist first.</source>
      <translation>请先逐项完成检查清单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/help_dialog.py" line="218" />
      <source>Go to the {tab} tab</source>
      <translation>转到“{tab}”页</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/first_run.py" line="43" />
      <source>Goods receipts</source>
      <translation>收货单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="435" />
      <source>Goods returned {against}.</source>
      <translation>已退回货物（{against}）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_editor.py" line="190" />
      <source>Grade</source>
      <translation>品质等级</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/labels.py" line="197" />
      <source>Grid</source>
      <translation>行列</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="152" />
      <source>Gross</source>
      <translation>含税金额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="353" />
      <source>Gross profit {margin} is below your floor of {floor}: a manager must approve this price.</source>
      <translation>毛利 {margin} 低于您的毛利下限 {floor}：此价格须经理批准。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="349" />
      <source>Gross profit {margin} is below your floor of {floor}: a manager must approve this price. The lowest price you may give is {lowest}.</source>
      <translation>毛利 {margin} 低于您的毛利下限 {floor}：此价格须经理批准。您可给出的最低价格为 {lowest}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="335" />
      <source>Gross-profit floor</source>
      <translation>毛利下限</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="200" />
      <source>Gross-profit floor of a cashier (basis points)</source>
      <translation>收银员的毛利下限（基点）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="203" />
      <source>Gross-profit floor of a service advisor (basis points)</source>
      <translation>服务顾问的毛利下限（基点）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="381" />
      <source>Group the calendar by bay or by technician</source>
      <translation>日程按工位或按技师分组</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="555" />
      <source>Handed over by</source>
      <translation>交车人</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="71" />
      <source>Handling</source>
      <translation>处理情况</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="559" />
      <source>Height</source>
      <translation>高度</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="194" />
      <source>Held for repair orders: not for sale at the counter</source>
      <translation>为维修工单预留：柜台不可销售</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/shrinkage.py" line="79" />
      <source>Held in quarantine now (today's cost)</source>
      <translation>当前隔离中（按今日成本）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="26" />
      <source>History</source>
      <translation>历史记录</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/quote.py" line="48" />
      <source>Hours</source>
      <translation>工时数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="275" />
      <source>Hours
book / actual</source>
      <translation>工时
标准 / 实际</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="93" />
      <source>How</source>
      <translation>方式</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="852" />
      <source>How did the customer answer: {methods}?</source>
      <translation>客户以何种方式答复：{methods}？</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="182" />
      <source>How satisfied are you with our advice?</source>
      <translation>您对我们的建议满意吗？</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="182" />
      <source>How satisfied are you with the parts or the repair?</source>
      <translation>您对配件或维修质量满意吗？</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="183" />
      <source>How satisfied are you with the price?</source>
      <translation>您对价格满意吗？</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="183" />
      <source>How satisfied are you with the waiting time?</source>
      <translation>您对等待时间满意吗？</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="279" />
      <source>I authorize the work marked authorized above at the prices shown.</source>
      <translation>本人授权按所示价格进行上方标记为已授权的工作。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="435" />
      <source>I leave the vehicle for the work described and agree the condition noted above. Valuables left in the car are at the owner's risk.</source>
      <translation>本人将车辆留店进行上述工作，并认可上方记录的车况。车内遗留贵重物品，风险由车主自负。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="554" />
      <source>I received the vehicle and the explanation of the work done.</source>
      <translation>本人已收到车辆，并已听取已完成工作的说明。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="198" />
      <source>Ignored column(s): {columns}.</source>
      <translation>已忽略的列：{columns}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="334" />
      <source>Images (*.png *.jpg *.jpeg)</source>
      <translation>图片 (*.png *.jpg *.jpeg)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_io_dialogs.py" line="69" />
      <source>Import (Enter)</source>
      <translation>导入(Enter)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="80" />
      <source>Import cancelled; nothing was changed.</source>
      <translation>导入已取消；未做任何更改。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_io_dialogs.py" line="53" />
      <source>Import parts</source>
      <translation>导入配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_io_dialogs.py" line="72" />
      <source>Import valid rows only</source>
      <translation>仅导入有效行</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="139" />
      <source>Importing</source>
      <translation>正在导入</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_io_dialogs.py" line="147" />
      <source>Importing {file}…</source>
      <translation>正在导入 {file}…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="270" />
      <source>In &amp;quarantine</source>
      <translation>隔离中(&amp;Q)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/scanner_test_sheet.py" line="56" />
      <source>In PartsDesk choose {menu} and scan the codes below one after the other, as the window asks. Aim at one code at a time (cover the others with a hand if the scanner catches the wrong one). The set-up measures how fast the scanner types, which key it sends after a code, and whether the keyboard layout or Caps Lock change what arrives.</source>
      <translation>在 PartsDesk 中选择 {menu}，然后按窗口提示依次扫描下面的条码。每次只对准一个条码（如果扫描枪读到了别的条码，请用手遮住其他条码）。设置过程会测量扫描枪的输入速度、每个条码后发送的按键，以及键盘布局或 Caps Lock 是否会改变读取结果。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="96" />
      <source>In person</source>
      <translation>当面</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="85" />
      <source>In progress</source>
      <translation>维修中</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="181" />
      <source>In quarantine</source>
      <translation>隔离数量</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1386" />
      <source>In their &amp;words</source>
      <translation>客户原话(&amp;W)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_table.py" line="136" />
      <source>Inactive: not sold any more</source>
      <translation>已停用：不再销售</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="272" />
      <source>Inspected before a car is ready; a failure sends the order back to work.</source>
      <translation>车辆完工前检查；不合格则工单退回返工。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="266" />
      <source>Inspected with the customer at check-in; each is marked ok, attention or fail.</source>
      <translation>接车时与客户一起检查；每项标记为正常、需注意或不合格。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/part_numbers.py" line="13" />
      <source>Interchange</source>
      <translation>互换号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="243" />
      <source>Inventory record accuracy</source>
      <translation>库存记录准确率</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="31" />
      <source>Invoice</source>
      <translation>发票</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="232" />
      <source>Invoice corrected</source>
      <translation>被更正的发票</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="196" />
      <source>Invoice date</source>
      <translation>发票日期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="193" />
      <source>Invoice number</source>
      <translation>发票编号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="241" />
      <source>Invoice {against} is not on this customer's account.</source>
      <translation>发票 {against} 不在该客户的挂账中。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="204" />
      <source>Invoice {document} is already on an account.</source>
      <translation>发票 {document} 已挂账。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cashup.py" line="70" />
      <source>Invoices</source>
      <translation>发票</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_reports_view.py" line="299" />
      <source>Invoices of the orders delivered in the period, in {cur}. Warranty work at no charge (not in the revenue): {lines} line(s), {hours} h of labour, parts at cost {cost}.</source>
      <translation>本期已交车工单的发票，金额单位 {cur}。免费质保施工（不计入营业收入）：{lines} 行，工时 {hours} 小时，配件成本 {cost}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="305" />
      <source>Is the selected line a comeback of earlier work still under warranty? Link it: it is done at no charge</source>
      <translation>所选项目是否为仍在质保期内的以往施工的返修？关联后免费施工</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1233" />
      <source>Issue (Enter)</source>
      <translation>发料(Enter)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1231" />
      <source>Issue parts (F9) — {number}</source>
      <translation>发料(F9) — {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="313" />
      <source>Issue the reserved parts to the job as they are used</source>
      <translation>按实际使用将已预留配件发料到工单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="68" />
      <source>Issued</source>
      <translation>开具日期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="400" />
      <source>Item</source>
      <translation>检查项目</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="669" />
      <source>Its PDF was not saved: Ctrl+S saves it, Ctrl+P prints it.</source>
      <translation>其 PDF 尚未保存：Ctrl+S 保存，Ctrl+P 打印。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="31" />
      <source>Jan</source>
      <translation>1月</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="454" />
      <source>Job</source>
      <translation>工单项目</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="503" />
      <source>Job card</source>
      <translation>派工单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="521" />
      <source>Job card {number}</source>
      <translation>派工单 {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/reminders.py" line="259" />
      <source>Job line #{id} does not exist.</source>
      <translation>工单项目 #{id} 不存在。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="507" />
      <source>Jobs</source>
      <translation>工单项目</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="31" />
      <source>Jul</source>
      <translation>7月</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="31" />
      <source>Jun</source>
      <translation>6月</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="308" />
      <source>Keep it (Esc)</source>
      <translation>保留预约(Esc)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="250" />
      <source>Keep this {document}: it proves the refund.</source>
      <translation>请保留此{document}：它是退款凭证。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="251" />
      <source>Keep this {document}: returns and warranty need it.</source>
      <translation>请保留此{document}：退货和质保时需要出示。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/help_dialog.py" line="263" />
      <source>Key</source>
      <translation>按键</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="40" />
      <source>Key account</source>
      <translation>重点客户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="61" />
      <source>Keyboard layout</source>
      <translation>键盘布局</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="319" />
      <source>Keys that come closer together than this, ended by the scanner's terminator, are a scan; slower keys are typing. Scanner set-up measures it.</source>
      <translation>按键间隔小于此值、并以扫描枪结束符结尾的输入视为扫码；更慢的按键视为手工输入。扫描枪设置会测量此值。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/help_dialog.py" line="257" />
      <source>Keys — {tab}</source>
      <translation>快捷键 — {tab}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="34" />
      <source>Kind</source>
      <translation>类型</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="91" />
      <source>Km</source>
      <translation>公里</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="568" />
      <source>La&amp;yout</source>
      <translation>版式(&amp;Y)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="309" />
      <source>Label layout</source>
      <translation>标签版式</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="315" />
      <source>Label printer</source>
      <translation>标签打印机</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="312" />
      <source>Label printer (roll labels)</source>
      <translation>标签打印机（卷装标签）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="484" />
      <source>Labels</source>
      <translation>标签</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="165" />
      <source>Labels (this PC)</source>
      <translation>标签（本机）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/labels.py" line="256" />
      <source>Labels ({layout})</source>
      <translation>标签（{layout}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="665" />
      <source>Labels of {number}</source>
      <translation>{number} 的标签</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="501" />
      <source>Labels to print (a scan adds one)</source>
      <translation>待打印标签（扫码一次加一张）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/quote.py" line="184" />
      <source>Labour</source>
      <translation>工时</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="885" />
      <source>Labour &amp;class</source>
      <translation>工时类别(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="663" />
      <source>Labour added: it needs the customer's authorization.</source>
      <translation>已添加工时：需要客户授权。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="379" />
      <source>Labour class</source>
      <translation>工时类别</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="304" />
      <source>Labour class code</source>
      <translation>工时类别代码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="305" />
      <source>Labour class name</source>
      <translation>工时类别名称</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="122" />
      <source>Labour class {code} (F7)</source>
      <translation>工时类别 {code}(F7)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="427" />
      <source>Labour classes</source>
      <translation>工时类别</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="107" />
      <source>Labour line {line}: say what is done, in 1 to {most} characters.</source>
      <translation>工时第 {line} 行：请说明施工内容，1 到 {most} 个字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="111" />
      <source>Labour line {line}: the hours must be more than 0 and at most {most:,}.</source>
      <translation>工时第 {line} 行：工时数必须大于 0 且不超过 {most:,}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="115" />
      <source>Labour line {line}: the rate per hour must be 0 or more.</source>
      <translation>工时第 {line} 行：每小时费率必须大于或等于 0。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="163" />
      <source>Labour line {n}</source>
      <translation>工时第 {n} 行</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_reports_view.py" line="172" />
      <source>Labour of the orders delivered in the period. Efficiency is book hours ÷ clocked hours; the comeback rate is the share of the lines a later order linked back to as a comeback.</source>
      <translation>本期已交车工单的工时。工效 = 标准工时 ÷ 打卡工时；返修率指被后续工单关联为返修的项目所占比例。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="938" />
      <source>Labour of the quote: sold with the parts at the quoted rate.</source>
      <translation>报价单中的工时：按报价费率随配件一起销售。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="222" />
      <source>Labour rate per hour (minor units)</source>
      <translation>每小时工时费率（最小货币单位）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/quote.py" line="135" />
      <source>Labour total</source>
      <translation>工时合计</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="1130" />
      <source>Labour {hours} h, {amount}, is in the total.</source>
      <translation>工时 {hours} 小时，{amount}，已计入合计。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="93" />
      <source>Labour: what is done</source>
      <translation>工时：施工内容</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="289" />
      <source>Labour: what is done, book hours, labour class, technician</source>
      <translation>工时：施工内容、标准工时、工时类别、技师</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="278" />
      <source>Language</source>
      <translation>语言</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="164" />
      <source>Language (this PC)</source>
      <translation>语言（本机）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="327" />
      <source>Language of the shop</source>
      <translation>门店语言</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="330" />
      <source>Language of this PC</source>
      <translation>本机语言</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/first_run.py" line="198" />
      <source>Language: one of {languages}.</source>
      <translation>语言须为以下之一：{languages}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="63" />
      <source>Lapsed customers</source>
      <translation>流失客户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="178" />
      <source>Lapsed: no visit for (months)</source>
      <translation>流失客户：未到店时长（月）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="149" />
      <source>Last</source>
      <translation>截止号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="368" />
      <source>Last backup: {when}</source>
      <translation>上次备份：{when}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="94" />
      <source>Last km</source>
      <translation>上次里程</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="130" />
      <source>Last reading</source>
      <translation>上次读数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/stock_reports.py" line="37" />
      <source>Last sold</source>
      <translation>最后销售</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="273" />
      <source>Late</source>
      <translation>逾期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="64" />
      <source>Late: past the expected date</source>
      <translation>逾期：已过预计到货日期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="370" />
      <source>Layout {name} needs --grid COLSxROWS and --margins TOP,RIGHT,BOTTOM,LEFT (mm).</source>
      <translation>版式 {name} 需要 --grid COLSxROWS 和 --margins TOP,RIGHT,BOTTOM,LEFT（mm）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="381" />
      <source>Layout {name} needs --size WIDTHxHEIGHT (mm), e.g. 60x40.</source>
      <translation>版式 {name} 需要 --size WIDTHxHEIGHT（mm），例如 60x40。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="156" />
      <source>Lead time</source>
      <translation>到货周期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="308" />
      <source>Lead time: a whole number of days from 0 to {most}.</source>
      <translation>交货期：0 到 {most} 之间的整数天数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="131" />
      <source>Left</source>
      <translation>剩余</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/tender_dialog.py" line="218" />
      <source>Left to pay {amount}</source>
      <translation>尚欠 {amount}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="261" />
      <source>Letters arrive with their case turned round ({arrived}): Caps Lock is on on this PC. Turn Caps Lock off; or, if it must stay on, set the scanner to ignore Caps Lock (“Caps Lock auto” in its manual).</source>
      <translation>字母读取后大小写颠倒（{arrived}）：本机开启了 Caps Lock。请关闭 Caps Lock；如果必须保持开启，请将扫描枪设置为忽略 Caps Lock（其说明书中的“Caps Lock auto”）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="264" />
      <source>Lights</source>
      <translation>灯光</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1152" />
      <source>Line</source>
      <translation>行</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="216" />
      <source>Line (F4): {part}</source>
      <translation>行(F4)：{part}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="668" />
      <source>Line added: it needs the customer's authorization.</source>
      <translation>已添加项目：需要客户授权。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="214" />
      <source>Line discount</source>
      <translation>行折扣</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cashup.py" line="63" />
      <source>Line removed</source>
      <translation>已删除行</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="971" />
      <source>Line {line_no} ({description}) is not authorized by the customer: no part is fitted before they agree.</source>
      <translation>第 {line_no} 项（{description}）未经客户授权：客户同意前不得安装任何配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="984" />
      <source>Line {line_no} ({description}): only {qty} on the shelf.</source>
      <translation>第 {line_no} 项（{description}）：货架上仅有 {qty}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1034" />
      <source>Line {line_no} ({description}): {issued} of {qty} issued — issue the rest, or change the quantity to what was used.</source>
      <translation>第 {line_no} 项（{description}）：{qty} 中已发料 {issued} — 请发出其余部分，或将数量改为实际用量。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="969" />
      <source>Line {line_no} is not a part for this job.</source>
      <translation>第 {line_no} 项不是此工单的配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="907" />
      <source>Line {line_no} is not authorized by the customer: no work on it yet.</source>
      <translation>第 {line_no} 项未经客户授权：暂不能施工。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="905" />
      <source>Line {line_no} is not labour to be done.</source>
      <translation>第 {line_no} 项不是待施工的工时项目。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="745" />
      <source>Line {line_no} was removed.</source>
      <translation>第 {line_no} 项已删除。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="832" />
      <source>Line {line_no}: a technician is clocked on it.</source>
      <translation>第 {line_no} 项：有技师正在此项上开工。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="978" />
      <source>Line {line_no}: all of it is issued already.</source>
      <translation>第 {line_no} 项：已全部发料。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="980" />
      <source>Line {line_no}: at most {qty} is still to issue.</source>
      <translation>第 {line_no} 项：尚待发料最多 {qty}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1009" />
      <source>Line {line_no}: at most {qty} was issued.</source>
      <translation>第 {line_no} 项：最多已发料 {qty}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="869" />
      <source>Line {line_no}: parts were issued to the job; return them before the customer declines it.</source>
      <translation>第 {line_no} 项：配件已发料到工单；请先退回配件，再记录客户拒绝。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1095" />
      <source>Line {line_no}: the authorized quantity is {qty} but {issued} was issued.</source>
      <translation>第 {line_no} 项：授权数量为 {qty}，但已发料 {issued}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="828" />
      <source>Line {line_no}: {issued} issued to the job; return them to stock first.</source>
      <translation>第 {line_no} 项：已向工单发料 {issued}；请先退回库存。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/returns.py" line="240" />
      <source>Line {line} ({description}): {problem}</source>
      <translation>第 {line} 行（{description}）：{problem}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="545" />
      <source>Line {line} ({number})</source>
      <translation>第 {line} 行（{number}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="585" />
      <source>Line {line} ({part}) taken off {number}.</source>
      <translation>已从 {number} 删除第 {line} 行（{part}）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="369" />
      <source>Line {line} ({part}): {problem}</source>
      <translation>第 {line} 行（{part}）：{problem}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="706" />
      <source>Line {line} changed (version {version}).</source>
      <translation>第 {line} 行已修改（版本 {version}）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/orders.py" line="181" />
      <source>Line {line} holds a quote's price: sell the quote itself (F12), or take today's price for the line first.</source>
      <translation>第 {line} 行为报价单价格：请直接销售该报价单（F12），或先将此行改为当前价格。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="428" />
      <source>Line {line} holds a quoted price but the cart is not from a quote: load the quote again (F9).</source>
      <translation>第 {line} 行为报价价格，但购物车并非来自报价单：请重新载入报价单（F9）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/returns.py" line="197" />
      <source>Line {line} is in the return twice: give its quantity once.</source>
      <translation>第 {line} 行在退货中出现了两次：请只填写一次数量。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="717" />
      <source>Line {line} removed.</source>
      <translation>第 {line} 行已删除。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="706" />
      <source>Line {line}: a bin is at most {most} characters.</source>
      <translation>第 {line} 行：货位最多 {most} 个字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="481" />
      <source>Line {line}: a labour line needs a labour class.</source>
      <translation>第 {line} 行：工时项目需要工时类别。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="467" />
      <source>Line {line}: a part line needs a part (F2 finds one).</source>
      <translation>第 {line} 行：配件项目需要选择配件（按 F2 查找）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="453" />
      <source>Line {line}: a quoted price takes no discount or typed price on top.</source>
      <translation>第 {line} 行：报价价格不能再加折扣或手动输入价格。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="686" />
      <source>Line {line}: no part chosen.</source>
      <translation>第 {line} 行：未选择配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="491" />
      <source>Line {line}: only a labour line has a labour class.</source>
      <translation>第 {line} 行：只有工时项目才有工时类别。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="477" />
      <source>Line {line}: only a part line names a part.</source>
      <translation>第 {line} 行：只有配件项目才能指定配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="482" />
      <source>Line {line}: price</source>
      <translation>第 {line} 行：价格</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="481" />
      <source>Line {line}: quantity</source>
      <translation>第 {line} 行：数量</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="456" />
      <source>Line {line}: quote {number} does not hold this part at {price}.</source>
      <translation>第 {line} 行：报价单 {number} 中此配件的价格不是 {price}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="449" />
      <source>Line {line}: quote {number} expired on {day}, so its price no longer holds; load the quote again to re-price it.</source>
      <translation>第 {line} 行：报价单 {number} 已于 {day} 过期，其价格不再有效；请重新载入报价单以重新计价。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="462" />
      <source>Line {line}: say what is done or charged.</source>
      <translation>第 {line} 行：请说明施工内容或收费项目。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="698" />
      <source>Line {line}: say why the rejected goods go to quarantine (damaged, wrong part, …).</source>
      <translation>第 {line} 行：请说明拒收货物移入隔离区的原因（损坏、配件错误…）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cashup.py" line="319" />
      <source>Line {line}: the amount is a whole number of minor units, 0 or more.</source>
      <translation>第 {line} 行：金额须为以最小货币单位计的整数，大于或等于 0。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="458" />
      <source>Line {line}: the description</source>
      <translation>第 {line} 行：描述</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="493" />
      <source>Line {line}: the hours</source>
      <translation>第 {line} 行：工时数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="453" />
      <source>Line {line}: the kind is one of labour, part, sublet or other.</source>
      <translation>第 {line} 行：类型须为工时、配件、外协或其他之一。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="486" />
      <source>Line {line}: the labour class {labour_class} is inactive.</source>
      <translation>第 {line} 行：工时类别 {labour_class} 已停用。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cart.py" line="112" />
      <source>Line {line}: the part is not for sale any more.</source>
      <translation>第 {line} 行：该配件已停售。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="689" />
      <source>Line {line}: the part is on the receipt twice. Enter it once with the total quantity.</source>
      <translation>第 {line} 行：该配件在收货单中出现了两次。请只录入一次，填写总数量。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="746" />
      <source>Line {line}: the part it stands in for is not on {number}.</source>
      <translation>第 {line} 行：被替代的配件不在 {number} 上。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="472" />
      <source>Line {line}: the part {part} is inactive; choose another part.</source>
      <translation>第 {line} 行：配件 {part} 已停用；请选择其他配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="504" />
      <source>Line {line}: the price</source>
      <translation>第 {line} 行：价格</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="493" />
      <source>Line {line}: the quantity</source>
      <translation>第 {line} 行：数量</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cashup.py" line="317" />
      <source>Line {line}: the quantity must be more than 0.</source>
      <translation>第 {line} 行：数量必须大于 0。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="693" />
      <source>Line {line}: the quantity received must be more than zero.</source>
      <translation>第 {line} 行：收货数量必须大于 0。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="702" />
      <source>Line {line}: the reason is at most {most} characters.</source>
      <translation>第 {line} 行：原因最多 {most} 个字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="520" />
      <source>Line {line}: the received quantity is not a number; correct it first.</source>
      <translation>第 {line} 行：收货数量不是数字，请先更正。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="695" />
      <source>Line {line}: the rejected quantity must be between 0 and the quantity received.</source>
      <translation>第 {line} 行：拒收数量必须在 0 到收货数量之间。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="704" />
      <source>Line {line}: the unit cost cannot be negative.</source>
      <translation>第 {line} 行：单位成本不能为负数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="483" />
      <source>Line {line}: there is no labour class {labour_class}.</source>
      <translation>第 {line} 行：没有工时类别 {labour_class}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="469" />
      <source>Line {line}: there is no part {part} in the catalogue.</source>
      <translation>第 {line} 行：配件目录中没有配件 {part}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="500" />
      <source>Line {line}: type the price (a sublet or other charge has no usual price).</source>
      <translation>第 {line} 行：请输入价格（外协或其他费用没有常规价格）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1279" />
      <source>Line {line}: {number} {description} — {issued} issued</source>
      <translation>第 {line} 行：{number} {description} — 已发料 {issued}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1239" />
      <source>Line {line}: {number} {description} — {rest} to issue</source>
      <translation>第 {line} 行：{number} {description} — 待发料 {rest}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="750" />
      <source>Line {line}: {part} is on {number} itself, so it is no substitute.</source>
      <translation>第 {line} 行：{part} 本身就在 {number} 上，因此不是替代品。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="685" />
      <source>Line {n} is a comeback: warranty work at no charge, linked to the earlier job and its technician.</source>
      <translation>第 {n} 行为返修：免费质保施工，已关联到以往施工及其技师。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="143" />
      <source>Lines</source>
      <translation>行数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1038" />
      <source>Lines from a quote — {number}</source>
      <translation>从报价单导入项目 — {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_reports_view.py" line="294" />
      <source>Lines of the orders checked in in the period, each once, by the customer's latest answer (values in {cur}). Lines that needed re-authorization (approved again after a change): {count}.</source>
      <translation>本期接车工单的项目，每项只计一次，按客户最近一次答复统计（金额单位 {cur}）。需要重新授权（修改后再次批准）的项目：{count} 项。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1232" />
      <source>Link (Enter)</source>
      <translation>关联(Enter)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="986" />
      <source>Link as warranty work (Enter)</source>
      <translation>关联为质保施工(Enter)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1231" />
      <source>Link barcode {code} to a part</source>
      <translation>将条码 {code} 关联到配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="209" />
      <source>List price</source>
      <translation>标价</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/call_sheet.py" line="43" />
      <source>Lists</source>
      <translation>名单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="360" />
      <source>Load into the cart (Enter)</source>
      <translation>载入购物车(Enter)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="322" />
      <source>Load the order again</source>
      <translation>重新载入工单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="816" />
      <source>Loading the customer's balances…</source>
      <translation>正在载入客户余额…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="226" />
      <source>Loading…</source>
      <translation>正在载入…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="70" />
      <source>Location</source>
      <translation>库位</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="149" />
      <source>Lock-out time (minutes)</source>
      <translation>锁定时长（分钟）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="183" />
      <source>Locked (wrong PINs)</source>
      <translation>已锁定（PIN码错误次数过多）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/login.py" line="105" />
      <source>Log in (Enter)</source>
      <translation>登录(Enter)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/login.py" line="61" />
      <source>Log in — PartsDesk</source>
      <translation>登录 — PartsDesk</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="158" />
      <source>Log-in security</source>
      <translation>登录安全</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="41" />
      <source>Looked after by</source>
      <translation>负责人</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="366" />
      <source>Looked after by {0}</source>
      <translation>负责人：{0}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="991" />
      <source>Looking for earlier work on this car under warranty…</source>
      <translation>正在查找此车仍在质保期内的以往施工…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="490" />
      <source>Looking for parts nobody counted…</source>
      <translation>正在查找未盘到的配件…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="249" />
      <source>Looking for {text}…</source>
      <translation>正在查找 {text}…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/shrinkage.py" line="49" />
      <source>Loss</source>
      <translation>损耗类型</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="206" />
      <source>Low: on hand is below the minimum ({min}).</source>
      <translation>库存不足：在库数量低于最低库存（{min}）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="169" />
      <source>Lowest first; a tier is reached by points or by prepaid balance.</source>
      <translation>从最低等级开始排列；达到积分或储值余额要求即升至该等级。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/shrinkage.py" line="86" />
      <source>Made</source>
      <translation>生成日期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="810" />
      <source>Made {count} draft order(s): {orders}.</source>
      <translation>已生成 {count} 张采购单草稿：{orders}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="273" />
      <source>Make</source>
      <translation>品牌</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_editor.py" line="256" />
      <source>Make and model</source>
      <translation>品牌车型</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_editor.py" line="266" />
      <source>Maker</source>
      <translation>厂商</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="406" />
      <source>Maker {maker!r}… is longer than {most} characters.</source>
      <translation>厂商 {maker!r}… 超过 {most} 个字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_reports_view.py" line="262" />
      <source>Making the PDF…</source>
      <translation>正在生成 PDF…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="800" />
      <source>Making the draft orders…</source>
      <translation>正在生成采购单草稿…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1414" />
      <source>Making the {word} of {number}…</source>
      <translation>正在生成 {number} 的{word}…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="28" />
      <source>Manager</source>
      <translation>经理</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stepup.py" line="40" />
      <source>Manager approval</source>
      <translation>经理批准</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="67" />
      <source>Managers and administrators also need one</source>
      <translation>经理和管理员还需要设置密码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="31" />
      <source>Mar</source>
      <translation>3月</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/labels.py" line="197" />
      <source>Margins</source>
      <translation>页边距</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/labels.py" line="86" />
      <source>Margins and gaps cannot be negative.</source>
      <translation>页边距和间距不能为负数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="551" />
      <source>Margins: top</source>
      <translation>页边距：上</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="159" />
      <source>Mark done: {service}</source>
      <translation>标记已完成：{service}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="457" />
      <source>Mark position</source>
      <translation>标记位置</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="345" />
      <source>Mark the damage on the outline first, then attach its photo.</source>
      <translation>请先在车身示意图上标出损伤，再附上照片。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="36" />
      <source>Marketing consent</source>
      <translation>同意接收营销信息</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="193" />
      <source>Marks</source>
      <translation>标记</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="362" />
      <source>Max</source>
      <translation>最高</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="99" />
      <source>Maximum stock</source>
      <translation>最高库存</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="204" />
      <source>Maximum stock is below minimum stock.</source>
      <translation>最高库存低于最低库存。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="31" />
      <source>May</source>
      <translation>5月</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="88" />
      <source>Measure</source>
      <translation>指标</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="77" />
      <source>Median h</source>
      <translation>中位数（小时）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/member_card.py" line="76" />
      <source>Member</source>
      <translation>会员</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="42" />
      <source>Member card</source>
      <translation>会员卡</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/member_card.py" line="56" />
      <source>Member card {card}</source>
      <translation>会员卡 {card}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/customers.py" line="274" />
      <source>Member card {card} belongs to another customer.</source>
      <translation>会员卡 {card} 属于其他客户。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="217" />
      <source>Member card {card} belongs to customer #{id}. Use another card, or leave it empty to have one made.</source>
      <translation>会员卡 {card} 属于客户 #{id}。请使用其他会员卡，或留空以自动生成。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="138" />
      <source>Member discount</source>
      <translation>会员折扣</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="105" />
      <source>Member discount on: tiers among {tiers}.</source>
      <translation>享受会员折扣的等级：须为 {tiers} 中的等级。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/member_card.py" line="76" />
      <source>Member since {date}</source>
      <translation>入会日期 {date}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/history.py" line="31" />
      <source>Membership</source>
      <translation>会员</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/membership.py" line="74" />
      <source>Membership tier {number} ({name}): list tiers lowest first; each needs more than {previous}.</source>
      <translation>会员等级 {number}（{name}）：请从最低等级开始排列；每个等级的要求须高于 {previous}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/membership.py" line="65" />
      <source>Membership tier {number} ({name}): set the points or the prepaid amount that reaches it.</source>
      <translation>会员等级 {number}（{name}）：请设置达到该等级所需的积分或储值金额。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/membership.py" line="62" />
      <source>Membership tier {number} ({name}): the discount is at most 100 %.</source>
      <translation>会员等级 {number}（{name}）：折扣最多为 100 %。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/membership.py" line="58" />
      <source>Membership tier {number} ({name}): {key} must be a whole number, 0 or more.</source>
      <translation>会员等级 {number}（{name}）：{key} 必须是大于或等于 0 的整数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/membership.py" line="53" />
      <source>Membership tier {number}: a name of 1 to 40 characters.</source>
      <translation>会员等级 {number}：名称须为 1 到 40 个字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/membership.py" line="48" />
      <source>Membership tier {number}: needs a name, min_points, min_prepaid and discount_bp, and nothing else.</source>
      <translation>会员等级 {number}：只需 name、min_points、min_prepaid 和 discount_bp，不能有其他内容。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/membership.py" line="70" />
      <source>Membership tier {number}: the name {name} is used twice.</source>
      <translation>会员等级 {number}：名称 {name} 重复。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="168" />
      <source>Membership tiers</source>
      <translation>会员等级</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/membership.py" line="44" />
      <source>Membership tiers: a list of tiers.</source>
      <translation>会员等级：须为等级列表。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_membership.py" line="207" />
      <source>Membership, points and prepaid balance are not shown to your role.</source>
      <translation>您的角色无权查看会员、积分和储值余额。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/help_dialog.py" line="208" />
      <source>Menu: {menu}</source>
      <translation>菜单：{menu}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_editor.py" line="187" />
      <source>Merge #{0} into this customer</source>
      <translation>将 #{0} 合并到此客户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="362" />
      <source>Min</source>
      <translation>最低</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="89" />
      <source>Min points</source>
      <translation>最低积分</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="90" />
      <source>Min prepaid</source>
      <translation>最低储值</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="98" />
      <source>Minimum stock</source>
      <translation>最低库存</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="200" />
      <source>Minus lines</source>
      <translation>盘亏行数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="200" />
      <source>Minus {currency}</source>
      <translation>盘亏 {currency}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="323" />
      <source>Missing required column(s): {columns}.{extra} The first row must hold the column headers (our names, common English or Chinese headers, or a mapping file).</source>
      <translation>缺少必需的列：{columns}。{extra} 第一行必须是列标题（本系统的列名、常用的英文或中文标题，或使用映射文件）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="274" />
      <source>Model</source>
      <translation>车型</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/customers.py" line="488" />
      <source>Model year</source>
      <translation>年款</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/customers.py" line="490" />
      <source>Model year is between 1950 and {last}.</source>
      <translation>年款须在 1950 到 {last} 之间。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="377" />
      <source>Monday to Sunday side by side</source>
      <translation>周一至周日并排显示</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="235" />
      <source>Money and tax</source>
      <translation>货币与税</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/shrinkage.py" line="63" />
      <source>Month</source>
      <translation>月份</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/stock_reports.py" line="38" />
      <source>Months of stock</source>
      <translation>库存可售月数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/help_dialog.py" line="263" />
      <source>More</source>
      <translation>说明</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="309" />
      <source>More than {0} customers: type more to narrow the search</source>
      <translation>客户超过 {0} 个：请输入更多内容缩小搜索范围</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="402" />
      <source>Moved into quarantine.</source>
      <translation>已移入隔离区。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="188" />
      <source>Moved since</source>
      <translation>盘点后变动</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1379" />
      <source>Moved while the count ran (kept, never lost):</source>
      <translation>盘点期间发生的变动（已保留，不会丢失）：</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="233" />
      <source>Moves after each part was counted (sales, receipts, returns). They stay: posting adds only the difference at the moment of counting.</source>
      <translation>各配件盘点之后发生的库存变动（销售、收货、退货）。这些变动保持不变：过账时只计入盘点时刻的差异。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="305" />
      <source>N&amp;ame</source>
      <translation>姓名(&amp;A)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="172" />
      <source>N&amp;ote</source>
      <translation>备注(&amp;O)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="674" />
      <source>N* before a scan counts N (a pack); or type a barcode and Enter</source>
      <translation>扫码前输入 N* 则按 N 计数（整包）；或输入条码后按 Enter</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="422" />
      <source>N* before a scan for N pieces; or type a barcode and Enter</source>
      <translation>扫码前输入 N* 表示 N 件；或输入条码后按 Enter</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="450" />
      <source>NOT AUTHORIZED: do not start</source>
      <translation>未授权：请勿施工</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="29" />
      <source>Name</source>
      <translation>名称</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cashup.py" line="643" />
      <source>Name the Z report: its number, e.g. Z-000001.</source>
      <translation>请指定Z报表：填写其编号，例如 Z-000001。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="373" />
      <source>Name the bins to count, as printed on the shelves.</source>
      <translation>请填写要盘点的货位，按货架上的标注填写。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/sale_documents.py" line="235" />
      <source>Name the credit note: its number, e.g. CN-000001.</source>
      <translation>请指定红字冲销单：填写其编号，例如 CN-000001。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="764" />
      <source>Name the customer: a record number (12 or #12) or a member card number.</source>
      <translation>请指定客户：填写档案号（12 或 #12）或会员卡号。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/sale_documents.py" line="236" />
      <source>Name the invoice or receipt: its number, e.g. INV-000001 or RC-000001.</source>
      <translation>请指定发票或小票：填写其编号，例如 INV-000001 或 RC-000001。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="280" />
      <source>Name the quote: its number, e.g. QT-000001.</source>
      <translation>请指定报价单：填写其编号，例如 QT-000001。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cashup.py" line="576" />
      <source>Name the terminal (up to 64 characters).</source>
      <translation>请填写收银台名称（最多 64 个字符）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="107" />
      <source>Name, phone or plate</source>
      <translation>姓名、电话或车牌</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="159" />
      <source>Name, phone, plate — or scan the member card</source>
      <translation>姓名、电话、车牌 — 或扫描会员卡</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="123" />
      <source>Ne&amp;w customer (not in the file)</source>
      <translation>新客户（未建档）(&amp;W)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="102" />
      <source>Needs authorization</source>
      <translation>待授权</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="484" />
      <source>Negative stock policy: one of {policies}.</source>
      <translation>负库存策略须为以下之一：{policies}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="203" />
      <source>Negative: more was sold than the books hold; count it or book the missing receipt.</source>
      <translation>负库存：销售数量超过账面数量；请盘点，或补录漏记的收货。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="152" />
      <source>Net</source>
      <translation>净额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="106" />
      <source>Net {currency}</source>
      <translation>净额 {currency}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="509" />
      <source>Net {net}: normal losses {normal}, abnormal {abnormal}. Held in quarantine now: {held}.</source>
      <translation>净额 {net}：正常损耗 {normal}，异常损耗 {abnormal}。当前隔离中：{held}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="109" />
      <source>New &amp;PIN</source>
      <translation>新PIN码(&amp;P)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="148" />
      <source>New PIN / password (F7)</source>
      <translation>新PIN码 / 密码(F7)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="108" />
      <source>New PIN or password for {name}</source>
      <translation>为 {name} 设置新PIN码或密码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="104" />
      <source>New appointment (Ctrl+N)</source>
      <translation>新建预约(Ctrl+N)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="93" />
      <source>New bay (Shift+F6)</source>
      <translation>新建工位(Shift+F6)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="163" />
      <source>New canned job (Shift+F8)</source>
      <translation>新建标准套餐(Shift+F8)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="505" />
      <source>New co&amp;mplaint…</source>
      <translation>新建投诉(&amp;M)…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="221" />
      <source>New complaint</source>
      <translation>新建投诉</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="222" />
      <source>New complaint from {name}</source>
      <translation>{name} 的新投诉</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_editor.py" line="56" />
      <source>New customer</source>
      <translation>新客户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="434" />
      <source>New customer from the appointment: {contact}. F3 adds them and their vehicle to the customer file.</source>
      <translation>预约中的新客户：{contact}。按 F3 将客户及其车辆添加到客户档案。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="123" />
      <source>New labour class (Shift+F7)</source>
      <translation>新建工时类别(Shift+F7)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="578" />
      <source>New line.</source>
      <translation>新行。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1009" />
      <source>New line: {number} {name}, +{plus}</source>
      <translation>新行：{number} {name}，+{plus}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_editor.py" line="107" />
      <source>New part</source>
      <translation>新建配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_tab.py" line="79" />
      <source>New part (Ctrl+N)</source>
      <translation>新建配件(Ctrl+N)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="110" />
      <source>New pass&amp;word</source>
      <translation>新密码(&amp;W)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="180" />
      <source>New purchase order (Ctrl+N)</source>
      <translation>新建采购单(Ctrl+N)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="97" />
      <source>New reminder: find the vehicle (Ctrl+N)</source>
      <translation>新建保养提醒：查找车辆(Ctrl+N)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="126" />
      <source>New service reminder</source>
      <translation>新建保养提醒</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="60" />
      <source>New supplier (Ctrl+N)</source>
      <translation>新建供应商(Ctrl+N)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1171" />
      <source>Next scan counts {qty}</source>
      <translation>下次扫码计 {qty}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="674" />
      <source>Next scan: {qty}</source>
      <translation>下次扫码：{qty}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1367" />
      <source>Next: payment (Enter)</source>
      <translation>下一步：付款(Enter)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="347" />
      <source>No account (credit limit 0) · balance {0}</source>
      <translation>未开通挂账（信用额度 0）· 余额 {0}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="302" />
      <source>No account: the credit limit is 0. Sell for payment now, or ask a manager to set a credit limit.</source>
      <translation>未开通挂账：信用额度为 0。请当场付款销售，或请经理设置信用额度。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="276" />
      <source>No active labour class: add one first (Shift+F7 in the set-up).</source>
      <translation>没有启用的工时类别：请先添加（在设置中按 Shift+F7）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="126" />
      <source>No active supplier: add one first (Ctrl+N).</source>
      <translation>没有启用的供应商：请先添加(Ctrl+N)。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="53" />
      <source>No answer</source>
      <translation>无人接听</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="336" />
      <source>No appointments booked for that day.</source>
      <translation>当天没有预约。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="315" />
      <source>No bay</source>
      <translation>未分配工位</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="591" />
      <source>No bays or technicians set up yet.</source>
      <translation>尚未设置工位或技师。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_care.py" line="251" />
      <source>No calls yet.</source>
      <translation>尚无通话记录。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="104" />
      <source>No complaint is overdue.</source>
      <translation>没有逾期的投诉。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="69" />
      <source>No complaints were received in this period.</source>
      <translation>本期间未收到投诉。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="555" />
      <source>No complaints.</source>
      <translation>没有投诉。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="854" />
      <source>No count yet: Ctrl+N starts one.</source>
      <translation>尚无盘点：按 Ctrl+N 开始盘点。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="87" />
      <source>No customer chosen (F3): say who it is for in the reference</source>
      <translation>未选择客户(F3)：请在参考信息中注明客户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="206" />
      <source>No customer chosen, or a customer without a class.</source>
      <translation>未选择客户，或客户没有分类。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="202" />
      <source>No customer has member card {code}.</source>
      <translation>没有客户持有会员卡 {code}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/pick_list.py" line="113" />
      <source>No customer on file</source>
      <translation>未建档客户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="780" />
      <source>No customer with record number or member card {text!r}.</source>
      <translation>没有档案号或会员卡号为 {text!r} 的客户。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="409" />
      <source>No damage was noted at reception.</source>
      <translation>接车时未记录损伤。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="815" />
      <source>No draft order was made: nothing to order from an active supplier.</source>
      <translation>未生成采购单草稿：没有需向启用供应商订购的配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1018" />
      <source>No earlier work on this car is under warranty and similar: charge it as usual.</source>
      <translation>此车没有仍在质保期内的类似以往施工：按正常收费。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="508" />
      <source>No jobs on this order.</source>
      <translation>此工单没有项目。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="73" />
      <source>No labour was delivered in the period.</source>
      <translation>本期间没有交车的工时。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="270" />
      <source>No leaks</source>
      <translation>无渗漏</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/adjustments.py" line="53" />
      <source>No loss</source>
      <translation>非损耗</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="277" />
      <source>No open order matches.</source>
      <translation>没有匹配的未结订单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="329" />
      <source>No open reminders. Ctrl+N adds one.</source>
      <translation>没有未完成的提醒。按 Ctrl+N 添加。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="166" />
      <source>No open repair orders. Ctrl+N checks a vehicle in.</source>
      <translation>没有未结维修工单。按 Ctrl+N 接车。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cashup.py" line="536" />
      <source>No opening float was recorded for this day.</source>
      <translation>当天未登记期初备用金。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="502" />
      <source>No order chosen.</source>
      <translation>未选择采购单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="262" />
      <source>No order found.</source>
      <translation>未找到工单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="473" />
      <source>No order is late.</source>
      <translation>没有逾期的采购单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="278" />
      <source>No order is waiting. F7 with parts in the cart saves them as an order.</source>
      <translation>没有待处理的订单。购物车中有配件时按 F7 可保存为订单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="84" />
      <source>No order was checked in in the period.</source>
      <translation>本期间没有接车的工单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_reports_view.py" line="310" />
      <source>No order was checked in or delivered in these days.</source>
      <translation>这段时间内没有接车或交车的工单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="805" />
      <source>No order was made.</source>
      <translation>未生成采购单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="301" />
      <source>No order — receive without one</source>
      <translation>无采购单 — 直接收货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="476" />
      <source>No orders like that. Ctrl+N raises one; F9 shows what to reorder.</source>
      <translation>没有符合条件的采购单。按 Ctrl+N 新建；按 F9 查看需补货的配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="141" />
      <source>No part chosen.</source>
      <translation>未选择配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="189" />
      <source>No part chosen: F2 finds one.</source>
      <translation>未选择配件：按 F2 查找。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="224" />
      <source>No part has an ABC class yet: every part is held to class C's tolerance.</source>
      <translation>尚无配件有ABC分类：所有配件均按 C 类的允差处理。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="367" />
      <source>No part has stock like that.</source>
      <translation>没有符合该库存条件的配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/labels.py" line="102" />
      <source>No part has the number {numbers}; check the number (search the catalogue for it) and try again</source>
      <translation>没有配件编号为 {numbers}；请核对编号（在配件目录中搜索）后重试</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="361" />
      <source>No part is due for its cycle count today.</source>
      <translation>今天没有需要循环盘点的配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1295" />
      <source>No part is issued to this order.</source>
      <translation>此工单尚未发料任何配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="366" />
      <source>No part matches “{query}” with these filters.</source>
      <translation>在当前筛选条件下，没有与“{query}”匹配的配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="840" />
      <source>No part matches “{query}”.</source>
      <translation>没有与“{query}”匹配的配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_tab.py" line="185" />
      <source>No part matches “{query}”. Try fewer words, or a part of the number.</source>
      <translation>没有与“{query}”匹配的配件。请减少关键词，或只输入编号的一部分。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="303" />
      <source>No part matches “{text}”.</source>
      <translation>没有与“{text}”匹配的配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/labels.py" line="213" />
      <source>No part was counted in {number}: no labels to print.</source>
      <translation>{number} 中没有盘点任何配件：没有可打印的标签。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="755" />
      <source>No parts chosen: find a part and press Enter, or scan it. Nothing was printed.</source>
      <translation>未选择配件：请查找配件后按 Enter，或直接扫码。未打印任何内容。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/labels.py" line="64" />
      <source>No parts given: choose at least one part to print labels for.</source>
      <translation>未指定配件：请至少选择一个要打印标签的配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/labels.py" line="243" />
      <source>No parts given: write them as NUMBER[:QTY], separated by commas.</source>
      <translation>未指定配件：请按 NUMBER[:QTY] 格式填写，用逗号分隔。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="510" />
      <source>No parts on this order.</source>
      <translation>此工单没有配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="180" />
      <source>No printer is installed on this PC.</source>
      <translation>本机未安装打印机。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="189" />
      <source>No printer is set for {kind}s on this PC ({setting}) and the system has no default printer.</source>
      <translation>本机未设置{kind}打印机（{setting}），系统也没有默认打印机。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="250" />
      <source>No quote found.</source>
      <translation>未找到报价单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="358" />
      <source>No sale is parked.</source>
      <translation>没有挂起的销售。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/shrinkage.py" line="97" />
      <source>No stock was adjusted off or onto the books in these days.</source>
      <translation>这段时间内没有库存调整。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="513" />
      <source>No stock was adjusted off or onto the books in these days. Held in quarantine now: {held}.</source>
      <translation>这段时间内没有库存调整。当前隔离中：{held}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="378" />
      <source>No such category: {codes}.</source>
      <translation>没有该类别：{codes}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="389" />
      <source>No such part: #{ids}.</source>
      <translation>没有该配件：#{ids}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/adjustments.py" line="132" />
      <source>No such part: choose the part to adjust from the catalogue.</source>
      <translation>没有该配件：请从配件目录中选择要调整的配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1360" />
      <source>No such status.</source>
      <translation>没有该状态。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/adjustments.py" line="206" />
      <source>No such stock location.</source>
      <translation>没有该库位。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="378" />
      <source>No supplier price for this part yet. F4 records one.</source>
      <translation>此配件尚无供应商报价。按 F4 录入。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="192" />
      <source>No supplier yet: add one in the Suppliers view first.</source>
      <translation>尚无供应商：请先在“供应商”页面中添加。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="288" />
      <source>No suppliers yet. Ctrl+N adds one.</source>
      <translation>尚无供应商。按 Ctrl+N 添加。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="319" />
      <source>No technician</source>
      <translation>未分配技师</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="141" />
      <source>No vehicle chosen yet</source>
      <translation>尚未选择车辆</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="111" />
      <source>No vehicle found. Try the plate or the customer's phone.</source>
      <translation>未找到车辆。请尝试车牌或客户电话。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_editor.py" line="284" />
      <source>No vehicle models in the list yet; they come with the catalogue import.</source>
      <translation>列表中尚无车型；车型随配件目录导入。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="358" />
      <source>No visit since joining on {day} {month} {year}</source>
      <translation>自 {year}年{month}{day}日入会以来未到店</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="355" />
      <source>No visit since {day} {month} {year}</source>
      <translation>自 {year}年{month}{day}日以来未到店</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_documents.py" line="44" />
      <source>No warranty</source>
      <translation>无质保</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="263" />
      <source>No work is on this order yet.</source>
      <translation>此工单尚无施工项目。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="50" />
      <source>No-show</source>
      <translation>爽约</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/member_card.py" line="78" />
      <source>No. {card}</source>
      <translation>卡号 {card}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stepup.py" line="92" />
      <source>Nobody else may approve this. Ask an administrator to give a manager access.</source>
      <translation>没有其他人可以批准此操作。请联系管理员为经理开通权限。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="222" />
      <source>Nobody found: tick “New customer” to book a new one.</source>
      <translation>未找到客户：勾选“新客户”为新客户预约。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/call_sheet.py" line="53" />
      <source>Nobody on this list.</source>
      <translation>此名单中没有客户。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="494" />
      <source>None in stock</source>
      <translation>无库存</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/stock_reports.py" line="76" />
      <source>None.</source>
      <translation>无。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/stock_reports.py" line="72" />
      <source>None: every part on the shelf sold.</source>
      <translation>无：货架上的每个配件都有销售。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/adjustments.py" line="53" />
      <source>Normal</source>
      <translation>正常</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/shrinkage.py" line="55" />
      <source>Normal losses</source>
      <translation>正常损耗</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/vehicles.py" line="34" />
      <source>North America</source>
      <translation>北美洲</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_membership.py" line="246" />
      <source>Not a member</source>
      <translation>非会员</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="381" />
      <source>Not adjusted: a manager did not approve it. {error}</source>
      <translation>未调整：经理未批准。{error}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/accounts.py" line="184" />
      <source>Not an open invoice of this customer: {documents}. Choose among the invoices still open.</source>
      <translation>不是该客户的未结发票：{documents}。请在仍未结清的发票中选择。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_documents.py" line="269" />
      <source>Not checked</source>
      <translation>未检查</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="199" />
      <source>Not classed yet</source>
      <translation>尚未分类</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1503" />
      <source>Not delivered. Correct what is marked in red, or Esc to go back.</source>
      <translation>未交车。请更正标红的内容，或按 Esc 返回。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1496" />
      <source>Not delivered: a manager did not approve it. {error}</source>
      <translation>未交车：经理未批准。{error}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1505" />
      <source>Not delivered: {error}</source>
      <translation>未交车：{error}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/returns.py" line="64" />
      <source>Not needed</source>
      <translation>不需要了</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="166" />
      <source>Not read</source>
      <translation>未读取</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="146" />
      <source>Not saved: a manager did not approve it. {error}</source>
      <translation>未保存：经理未批准。{error}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="307" />
      <source>Not saved: {error}</source>
      <translation>未保存：{error}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/tender_dialog.py" line="266" />
      <source>Not sold. Correct what is marked in red, or Esc to go back to the cart.</source>
      <translation>未售出。请更正标红的内容，或按 Esc 返回购物车。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/tender_dialog.py" line="260" />
      <source>Not sold: a manager did not approve it. {error}</source>
      <translation>未售出：经理未批准。{error}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/tender_dialog.py" line="269" />
      <source>Not sold: {error}</source>
      <translation>未售出：{error}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="506" />
      <source>Not taken back:</source>
      <translation>未退货：</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="501" />
      <source>Not taken back: a manager did not approve it. {error}</source>
      <translation>未退货：经理未批准。{error}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="464" />
      <source>Not taken back: correct the quantities marked in red.</source>
      <translation>未退货：请更正标红的数量。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="508" />
      <source>Not taken back: {error}</source>
      <translation>未退货：{error}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="400" />
      <source>Note</source>
      <translation>备注</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="791" />
      <source>Note: you worked on this car yourself — a second pair of eyes is better for the quality check.</source>
      <translation>注意：此车由您本人施工 — 质检最好由其他人把关。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="217" />
      <source>Note: {note}</source>
      <translation>备注：{note}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="104" />
      <source>Notes</source>
      <translation>备注</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="331" />
      <source>Nothing due within the lead time. Alt+U shows the upcoming ones too.</source>
      <translation>提前期内没有到期的提醒。按 Alt+U 可同时显示即将到期的提醒。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="264" />
      <source>Nothing found for “{text}”: no invoice or receipt has that number, and no customer or part matches it.</source>
      <translation>未找到“{text}”：没有该编号的发票或小票，也没有匹配的客户或配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/search_dialog.py" line="130" />
      <source>Nothing found. Try fewer or other words.</source>
      <translation>未找到结果。请减少关键词或换用其他关键词。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="106" />
      <source>Nothing is due on this account.</source>
      <translation>此挂账账户没有到期款项。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="437" />
      <source>Nothing is in quarantine.</source>
      <translation>隔离区中没有库存。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="171" />
      <source>Nothing is left to pay: remove the {method} payment of {amount}.</source>
      <translation>已无需再付款：请删除 {amount} 的{method}付款。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="450" />
      <source>Nothing is left to return: {sold} sold, {returned} returned already.</source>
      <translation>已无可退货数量：已售 {sold}，已退 {returned}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="79" />
      <source>Nothing is open on this account.</source>
      <translation>此挂账账户没有未结款项。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="235" />
      <source>Nothing moved during the count.</source>
      <translation>盘点期间没有库存变动。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1390" />
      <source>Nothing moved while the count ran.</source>
      <translation>盘点期间没有库存变动。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="314" />
      <source>Nothing of this order is coming (nothing received yet)</source>
      <translation>此采购单的货物都不会到了（尚未收货）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="613" />
      <source>Nothing of yours to undo in this count.</source>
      <translation>此盘点中没有您可撤销的扫描。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="581" />
      <source>Nothing received yet: scan the parts that came in or type their quantities.</source>
      <translation>尚未收货：请扫描到货配件或输入数量。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_history.py" line="146" />
      <source>Nothing recorded for this customer yet.</source>
      <translation>此客户尚无记录。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="679" />
      <source>Nothing to add.</source>
      <translation>没有可添加的内容。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/search_dialog.py" line="151" />
      <source>Nothing to pick: type what you look for first.</source>
      <translation>没有可选项：请先输入要查找的内容。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="678" />
      <source>Nothing to receive: scan or add the parts that came in.</source>
      <translation>没有可收货的内容：请扫描或添加到货的配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1344" />
      <source>Nothing to recount: no line was out of tolerance.</source>
      <translation>无需复盘：没有超出允差的行。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="729" />
      <source>Nothing to reorder: every part with a minimum has enough stock or is on an open order.</source>
      <translation>无需补货：所有设置了最低库存的配件库存充足，或已在未结采购单中。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/labels.py" line="188" />
      <source>Nothing was accepted on {number} (all of it went to quarantine): no labels to print.</source>
      <translation>{number} 没有任何货物入库（全部移入隔离区）：没有可打印的标签。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="353" />
      <source>Nothing was adjusted.</source>
      <translation>未做任何调整。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="120" />
      <source>Nothing was changed.</source>
      <translation>未做任何更改。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="231" />
      <source>Nothing was counted.</source>
      <translation>未盘点任何配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="610" />
      <source>Nothing was posted.</source>
      <translation>未过账。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="653" />
      <source>Nothing was printed.</source>
      <translation>未打印任何内容。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="458" />
      <source>Nothing was released.</source>
      <translation>未解除任何隔离。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/forms.py" line="191" />
      <source>Nothing was saved. Correct the fields marked in red.</source>
      <translation>未保存任何内容。请更正标红的字段。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="160" />
      <source>Nothing was scanned yet: scan the codes of the test sheet, one after the other, when asked.</source>
      <translation>尚未扫描任何条码：请按提示依次扫描测试页上的条码。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="202" />
      <source>Nothing was written: fix the rows listed (or use --skip-invalid to import the valid rows).</source>
      <translation>未写入任何内容：请修正列出的行（或使用 --skip-invalid 只导入有效行）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="32" />
      <source>Nov</source>
      <translation>11月</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1153" />
      <source>Now</source>
      <translation>当前状态</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/purchase_order.py" line="119" />
      <source>Number</source>
      <translation>编号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="107" />
      <source>O&amp;ldest invoices first</source>
      <translation>先冲抵最早的发票(&amp;L)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/complaints_register.py" line="96" />
      <source>O&amp;verdue only</source>
      <translation>仅显示逾期(&amp;V)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="18" />
      <source>OE (original equipment)</source>
      <translation>OE（原厂件）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/part_numbers.py" line="12" />
      <source>OE number</source>
      <translation>OE号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="18" />
      <source>OEM (original maker)</source>
      <translation>OEM（原厂配套件）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="485" />
      <source>OK</source>
      <translation>正常</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="452" />
      <source>OK (Enter)</source>
      <translation>确定（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="86" />
      <source>OVERDUE · {label}</source>
      <translation>已逾期 · {label}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/vehicles.py" line="34" />
      <source>Oceania</source>
      <translation>大洋洲</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="32" />
      <source>Oct</source>
      <translation>10月</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="104" />
      <source>Odometer</source>
      <translation>里程表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="164" />
      <source>Odometer &amp;correction</source>
      <translation>里程表更正(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/customers.py" line="563" />
      <source>Odometer (km)</source>
      <translation>里程表读数（km）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/customers.py" line="565" />
      <source>Odometer (km) is at most {most:,}.</source>
      <translation>里程表读数（km）最多为 {most:,}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="259" />
      <source>Odometer in</source>
      <translation>接车里程表读数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="424" />
      <source>Odometer in: {km} km</source>
      <translation>接车里程表读数：{km} km</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="425" />
      <source>Odometer in: —</source>
      <translation>接车里程表读数：—</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_editor.py" line="290" />
      <source>Odometer of {0}</source>
      <translation>{0} 的里程表读数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="546" />
      <source>Odometer out</source>
      <translation>交车里程表读数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1143" />
      <source>Odometer out (km)</source>
      <translation>交车里程表读数（km）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="319" />
      <source>Odometer out, what was done, the invoice and payment</source>
      <translation>交车里程表读数、施工内容、发票和付款</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1394" />
      <source>Odometer out: the whole km on the dashboard.</source>
      <translation>交车里程表读数：仪表盘上显示的整公里数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="92" />
      <source>Odometer readings</source>
      <translation>里程表读数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/care_lists.py" line="89" />
      <source>Offers</source>
      <translation>接收优惠</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="271" />
      <source>Old parts returned or shown</source>
      <translation>旧件已交还或展示</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/tender_dialog.py" line="115" />
      <source>On acc&amp;ount</source>
      <translation>挂账(&amp;O)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="30" />
      <source>On account</source>
      <translation>挂账</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="33" />
      <source>On account amount</source>
      <translation>挂账金额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/sales.py" line="166" />
      <source>On account, prepaid and points need the customer: choose them first (F3).</source>
      <translation>挂账、储值和积分付款需要指定客户：请先选择客户（F3）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/stock_reports.py" line="36" />
      <source>On hand</source>
      <translation>在库</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="191" />
      <source>On hand {on_hand} − reserved for jobs {reserved}</source>
      <translation>在库 {on_hand} − 工单预留 {reserved}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="109" />
      <source>On order</source>
      <translation>在途</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/pick_list.py" line="48" />
      <source>On shelf</source>
      <translation>货架数量</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="383" />
      <source>Once started, the count keeps this list.</source>
      <translation>盘点开始后，将固定使用此清单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_editor.py" line="64" />
      <source>One a line, e.g. mobile: 138 0013 8000</source>
      <translation>每行一个，例如 手机：138 0013 8000</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="375" />
      <source>One day, each appointment a row</source>
      <translation>一天，每个预约一行</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="389" />
      <source>One draft order per preferred supplier, holding all its suggestions</source>
      <translation>每个首选供应商生成一张采购单草稿，包含其全部补货建议</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="256" />
      <source>One entry a line</source>
      <translation>每行一项</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1350" />
      <source>Only a finished count is approved and posted.</source>
      <translation>只有已完成的盘点才能批准并过账。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="489" />
      <source>Only a manager may change the workshop set-up (permission workshop.setup).</source>
      <translation>只有经理可以更改车间设置（权限 workshop.setup）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="79" />
      <source>Only a points payment redeems points.</source>
      <translation>只有积分付款才会抵扣积分。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="855" />
      <source>Only an answer given in person is signed.</source>
      <translation>只有当面答复才需签字。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="268" />
      <source>Only if someone else brings the car</source>
      <translation>仅在由他人送车时填写</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="108" />
      <source>Only the &amp;invoices ticked</source>
      <translation>仅勾选的发票(&amp;I)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="163" />
      <source>Only when lower than the last reading: why</source>
      <translation>仅在低于上次读数时填写：原因</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="493" />
      <source>Only {qty} in stock</source>
      <translation>库存仅剩 {qty}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/adjustments.py" line="250" />
      <source>Only {qty} of {number} is in quarantine.</source>
      <translation>{number} 在隔离区中仅有 {qty}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/adjustments.py" line="218" />
      <source>Only {qty} of {number} is in {location}; an adjustment cannot take off more than is there.</source>
      <translation>{number} 在{location}仅有 {qty}；库存调整扣减的数量不能超过现有数量。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/complaints.py" line="25" />
      <source>Open</source>
      <translation>未结</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_editor.py" line="185" />
      <source>Open #{0} instead</source>
      <translation>改为打开 #{0}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_tab.py" line="77" />
      <source>Open (Enter)</source>
      <translation>打开（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="63" />
      <source>Open (draft, sent, partly received)</source>
      <translation>未结（草稿、已发送、部分收货）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="70" />
      <source>Open ({currency})</source>
      <translation>未付（{currency}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="66" />
      <source>Open items</source>
      <translation>未结项目</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_editor.py" line="53" />
      <source>Open that customer</source>
      <translation>打开该客户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="162" />
      <source>Open the &amp;demo shop</source>
      <translation>打开演示门店(&amp;D)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="316" />
      <source>Open the selected order (Enter on the board or the list)</source>
      <translation>打开所选工单（在看板或列表中按 Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="279" />
      <source>Open the window again in {language} now? Counts, orders and everything saved stay as they are.</source>
      <translation>现在以{language}重新打开窗口吗？盘点、订单和所有已保存的内容都将保持不变。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="236" />
      <source>Opening float</source>
      <translation>期初备用金</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="496" />
      <source>Opening float, pay-ins and pay-outs, the X report, close the day</source>
      <translation>期初备用金、存入和支出、X报表、日结</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="427" />
      <source>Opening the demo shop</source>
      <translation>正在打开演示门店</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="82" />
      <source>Opens at</source>
      <translation>营业开始时间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/pick_list.py" line="148" />
      <source>Order</source>
      <translation>单号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/orders.py" line="250" />
      <source>Order status: one of {statuses}, not {status!r}.</source>
      <translation>订单状态须为以下之一：{statuses}，而不是 {status!r}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="964" />
      <source>Order {number}</source>
      <translation>订单 {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/orders.py" line="354" />
      <source>Order {number} is already picked (by {who}).</source>
      <translation>订单 {number} 已拣货（拣货人：{who}）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/orders.py" line="355" />
      <source>Order {number} is already picked.</source>
      <translation>订单 {number} 已拣货。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="1082" />
      <source>Order {number} is in the cart: F12 sells it.</source>
      <translation>订单 {number} 已在购物车中：按 F12 完成销售。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="1073" />
      <source>Order {number} saved: its pick list prints. F7 with an empty cart sells it.</source>
      <translation>订单 {number} 已保存：正在打印拣货单。购物车为空时按 F7 可销售该订单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/orders.py" line="287" />
      <source>Order {number} was already sold as {sale}.</source>
      <translation>订单 {number} 已作为 {sale} 售出。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/orders.py" line="288" />
      <source>Order {number} was cancelled.</source>
      <translation>订单 {number} 已取消。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="291" />
      <source>Ordered</source>
      <translation>订购数量</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/purchase_order.py" line="122" />
      <source>Ordered by</source>
      <translation>下单人</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="77" />
      <source>Orders</source>
      <translation>工单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_reports_view.py" line="175" />
      <source>Orders checked in in the period: a status lasts until the order's next one, the current one until now. On the right, every order by its status now.</source>
      <translation>本期接车的工单：每个状态持续到该工单进入下一个状态为止，当前状态计算到现在。右侧为全部工单按当前状态的统计。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="85" />
      <source>Orders in each status now</source>
      <translation>当前各状态的工单数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/complaints.py" line="29" />
      <source>Other</source>
      <translation>其他</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="923" />
      <source>Other charge</source>
      <translation>其他费用</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_editor.py" line="281" />
      <source>Other numbers</source>
      <translation>其他编号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/purchase_order.py" line="44" />
      <source>Our part no.</source>
      <translation>我方配件编号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1292" />
      <source>Out of the class {abc} tolerance</source>
      <translation>超出 {abc} 类允差</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/call_sheet.py" line="33" />
      <source>Outcome</source>
      <translation>结果</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/call_sheet.py" line="45" />
      <source>Outcome: R reached · N no answer · W wrong number · C call back (write the day). Scores: 1 (very unhappy) to 5 (very happy), one per question, in this order:</source>
      <translation>结果：R 已接通 · N 无人接听 · W 号码错误 · C 回电（写明日期）。评分：1（非常不满意）到 5（非常满意），每个问题打一个分，顺序如下：</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="527" />
      <source>Outline each label (a test on plain paper)</source>
      <translation>为每张标签画出边框（用普通纸测试）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="128" />
      <source>Over / short: {message}</source>
      <translation>长短款：{message}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="30" />
      <source>Over 90 days</source>
      <translation>90 天以上</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="246" />
      <source>Over by {amount}.</source>
      <translation>多出 {amount}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="305" />
      <source>Over the credit limit by {excess} (limit {limit}, balance would be {balance}).</source>
      <translation>超出信用额度 {excess}（额度 {limit}，余额将为 {balance}）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="306" />
      <source>Over the credit limit by {excess} (limit {limit}, balance {balance}).</source>
      <translation>超出信用额度 {excess}（额度 {limit}，余额 {balance}）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="162" />
      <source>Over the credit limit or overdue</source>
      <translation>超出信用额度或逾期时</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/reminders.py" line="35" />
      <source>Overdue</source>
      <translation>逾期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="95" />
      <source>Overdue now</source>
      <translation>当前逾期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="93" />
      <source>Overdue now ({count})</source>
      <translation>当前逾期（{count}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/accounts.py" line="34" />
      <source>Overdue share</source>
      <translation>逾期占比</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="160" />
      <source>Overdue share of revenue that costs one class (basis points)</source>
      <translation>使客户降一级分类的逾期金额占营业额比例（基点）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="282" />
      <source>Overdue {days} d</source>
      <translation>逾期 {days} 天</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/reminders.py" line="222" />
      <source>Overdue {days} day</source>
      <translation>逾期 {days} 天</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/reminders.py" line="223" />
      <source>Overdue {days} days</source>
      <translation>逾期 {days} 天</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="155" />
      <source>Overdue: past its deadline to respond or to resolve</source>
      <translation>逾期：已超过答复或解决期限</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="258" />
      <source>Override &amp;class…</source>
      <translation>手动设置分类…(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="92" />
      <source>Owned</source>
      <translation>拥有期间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="306" />
      <source>P&amp;IN</source>
      <translation>PIN码(&amp;I)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="113" />
      <source>P&amp;referred: reorder drafts go to this supplier</source>
      <translation>首选：补货采购单草稿发给此供应商(&amp;R)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="500" />
      <source>PDF (*.pdf)</source>
      <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="544" />
      <source>PDF files (*.pdf)</source>
      <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="194" />
      <source>PIN</source>
      <translation>PIN码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stepup.py" line="71" />
      <source>PIN or password</source>
      <translation>PIN码或密码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="112" />
      <source>Pac&amp;k (units)</source>
      <translation>包装数量（件）(&amp;K)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="363" />
      <source>Pack</source>
      <translation>包装</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/base.py" line="247" />
      <source>Page {page}</source>
      <translation>第 {page} 页</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="226" />
      <source>Page {page} could not be drawn.</source>
      <translation>第 {page} 页无法绘制。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="403" />
      <source>Paid by</source>
      <translation>付款方式</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="370" />
      <source>Paid by: one of {methods}.</source>
      <translation>付款方式须为以下之一：{methods}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="123" />
      <source>Paid in</source>
      <translation>存入</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="124" />
      <source>Paid out</source>
      <translation>支出</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="319" />
      <source>Park (Enter)</source>
      <translation>挂单（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="312" />
      <source>Park this sale (F8)</source>
      <translation>挂起本次销售（F8）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="482" />
      <source>Park this sale to serve someone else, or recall a parked one</source>
      <translation>挂起本次销售以接待其他客户，或取回已挂起的销售</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="326" />
      <source>Parked</source>
      <translation>挂单时间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="323" />
      <source>Parked sales (F8)</source>
      <translation>已挂起的销售（F8）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="95" />
      <source>Part</source>
      <translation>配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="530" />
      <source>Part #{id} is not in the catalogue.</source>
      <translation>配件 #{id} 不在配件目录中。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="906" />
      <source>Part #{id} was not counted in {number}: nothing to recount.</source>
      <translation>配件 #{id} 未在 {number} 中盘点：无需复盘。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="166" />
      <source>Part #{part_id} is not in the catalogue (it may have been removed).</source>
      <translation>配件 #{part_id} 不在配件目录中（可能已被删除）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="463" />
      <source>Part #{part_id} is not in the catalogue any more; it cannot be saved.</source>
      <translation>配件 #{part_id} 已不在配件目录中；无法保存。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="580" />
      <source>Part #{part_id} is not in the catalogue.</source>
      <translation>配件 #{part_id} 不在配件目录中。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="273" />
      <source>Part / bin</source>
      <translation>配件 / 货位</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="169" />
      <source>Part no.</source>
      <translation>配件编号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="85" />
      <source>Part number</source>
      <translation>配件编号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="264" />
      <source>Part number, barcode, words or vehicle</source>
      <translation>配件编号、条码、关键词或车辆</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="134" />
      <source>Part number, barcode, words or vehicle (golf 2015 brake pad)</source>
      <translation>配件编号、条码、关键词或车辆（golf 2015 刹车片）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="169" />
      <source>Part or labour class</source>
      <translation>配件或工时类别</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/labels.py" line="122" />
      <source>Part record(s) {ids} no longer exist; no labels were made.</source>
      <translation>配件记录 {ids} 已不存在；未生成任何标签。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_editor.py" line="109" />
      <source>Part {brand} {number}</source>
      <translation>配件 {brand} {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/labels.py" line="141" />
      <source>Part {number} has no barcode, and its number cannot print as one: give it a barcode (a shop code) in the catalogue first. No labels were made.</source>
      <translation>配件 {number} 没有条码，其编号也无法打印为条码：请先在配件目录中为其添加条码（门店自编码）。未生成任何标签。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="54" />
      <source>Partly received</source>
      <translation>部分收货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/quote.py" line="182" />
      <source>Parts</source>
      <translation>配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1186" />
      <source>Parts are issued to line {line_no}: return them to stock first.</source>
      <translation>第 {line_no} 项已发料：请先将配件退回库存。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="134" />
      <source>Parts arrived</source>
      <translation>配件已到</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1377" />
      <source>Parts fitted: {parts}</source>
      <translation>已装配件：{parts}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/stock_reports.py" line="60" />
      <source>Parts in stock</source>
      <translation>在库配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="750" />
      <source>Parts issued to {count} line(s).</source>
      <translation>已向 {count} 个项目发料。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="275" />
      <source>Parts res. /
iss. / short</source>
      <translation>配件预留 /
发料 / 缺货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="759" />
      <source>Parts returned to stock.</source>
      <translation>配件已退回库存。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/quote.py" line="125" />
      <source>Parts total</source>
      <translation>配件合计</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="269" />
      <source>Parts with less than nothing on hand: sold before they were booked in</source>
      <translation>在库为负数的配件：入库前已售出</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="267" />
      <source>Parts with on hand below their minimum</source>
      <translation>在库低于最低库存的配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="271" />
      <source>Parts with stock held apart (damaged, returned, awaiting inspection)</source>
      <translation>有隔离库存的配件（损坏、退货、待检验）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/login.py" line="67" />
      <source>PartsDesk</source>
      <translation>PartsDesk 汽配门店管理</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/app.py" line="143" />
      <source>PartsDesk cannot start</source>
      <translation>PartsDesk 无法启动</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/login.py" line="63" />
      <source>PartsDesk is locked</source>
      <translation>PartsDesk 已锁定</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/scanner_test_sheet.py" line="33" />
      <source>PartsDesk scanner test sheet</source>
      <translation>PartsDesk 扫描枪测试页</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="307" />
      <source>Pass&amp;word</source>
      <translation>密码(&amp;W)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="195" />
      <source>Password</source>
      <translation>密码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="308" />
      <source>Password a&amp;gain</source>
      <translation>再次输入密码(&amp;G)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/login.py" line="231" />
      <source>Password again</source>
      <translation>再次输入密码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="134" />
      <source>Pay</source>
      <translation>付款</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/tender_dialog.py" line="140" />
      <source>Pay (Enter)</source>
      <translation>付款（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="67" />
      <source>Payment</source>
      <translation>付款</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="69" />
      <source>Payment &amp;terms</source>
      <translation>付款条件(&amp;T)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="391" />
      <source>Payment date</source>
      <translation>付款日期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="65" />
      <source>Payment method: one of {methods}, not {given!r}.</source>
      <translation>付款方式须为以下之一：{methods}，而不是 {given!r}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="31" />
      <source>Payment on account</source>
      <translation>挂账还款</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="96" />
      <source>Payment on account — {0}</source>
      <translation>挂账付款 — {0}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="299" />
      <source>Payment terms</source>
      <translation>付款条件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="44" />
      <source>Payment terms (days)</source>
      <translation>付款期限（天）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="450" />
      <source>Payment terms are 0 to {most} days.</source>
      <translation>付款条件须为 0 到 {most} 天。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="173" />
      <source>Payment terms are at most {days} days.</source>
      <translation>付款条件最多为 {days} 天。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="165" />
      <source>Payment terms for new accounts (days)</source>
      <translation>新挂账账户的付款条件（天）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="445" />
      <source>Payment terms: a whole number of days.</source>
      <translation>付款条件：须为整数天数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/purchase_order.py" line="66" />
      <source>Payment terms: {terms}</source>
      <translation>付款条件：{terms}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="390" />
      <source>Payment {0} of {1} taken.</source>
      <translation>已收取付款 {0}，金额 {1}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="273" />
      <source>Payment {number}: a method name and a whole amount of minor units are needed.</source>
      <translation>第 {number} 笔付款：需要付款方式名称和以最小货币单位计的整数金额。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1472" />
      <source>Payment — deliver {number}</source>
      <translation>付款 — 交车 {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="443" />
      <source>Payments</source>
      <translation>付款</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cashup.py" line="71" />
      <source>Payments on account</source>
      <translation>挂账付款</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="107" />
      <source>Payments on account ({count})</source>
      <translation>挂账还款（{count}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="110" />
      <source>Payments on account ({currency})</source>
      <translation>挂账还款（{currency}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="108" />
      <source>Payments received after {date} are not shown. If anything on this statement does not match your records, please tell us on {phone}.</source>
      <translation>{date} 之后收到的付款未列出。如本对账单与贵方记录有任何不符，请致电 {phone} 告知我们。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="111" />
      <source>Payments received after {date} are not shown. If anything on this statement does not match your records, please tell us.</source>
      <translation>{date} 之后收到的付款未列出。如本对账单与贵方记录有任何不符，请告知我们。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="55" />
      <source>Period</source>
      <translation>期间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="17" />
      <source>Person</source>
      <translation>个人</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="81" />
      <source>Personal data</source>
      <translation>个人信息</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="109" />
      <source>Personal data held by the shop, exported at the customer's request.</source>
      <translation>门店所存的个人信息，应客户要求导出。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="108" />
      <source>Personal data of customer #{number}</source>
      <translation>客户 #{number} 的个人信息</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="368" />
      <source>PgDown Next</source>
      <translation>PgDown 下一页</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="366" />
      <source>PgUp Previous</source>
      <translation>PgUp 上一页</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/complaints.py" line="28" />
      <source>Phone</source>
      <translation>电话</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="87" />
      <source>Phone ({label})</source>
      <translation>电话（{label}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="172" />
      <source>Phone and trade orders (F7)</source>
      <translation>电话订单和修理厂订单（F7）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="18" />
      <source>Phone call</source>
      <translation>电话</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="486" />
      <source>Phone is at most 40 characters.</source>
      <translation>电话最多 40 个字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/customers.py" line="184" />
      <source>Phone label</source>
      <translation>电话标签</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/customers.py" line="185" />
      <source>Phone number</source>
      <translation>电话号码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="91" />
      <source>Phone order</source>
      <translation>电话订单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="71" />
      <source>Phone {phone!r} has letters in it; write digits only.</source>
      <translation>电话 {phone!r} 中含有字母；请只填写数字。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="75" />
      <source>Phone {phone!r} needs {fewest} to {most} digits.</source>
      <translation>电话 {phone!r} 须为 {fewest} 到 {most} 位数字。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_editor.py" line="101" />
      <source>Phones</source>
      <translation>电话</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="333" />
      <source>Phones are shown to those who may see customers' contact details.</source>
      <translation>电话仅向有权查看客户联系方式的人员显示。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="208" />
      <source>Photo</source>
      <translation>照片</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="348" />
      <source>Photo of damage {n}</source>
      <translation>损伤照片 {n}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="349" />
      <source>Photos (*.jpg *.jpeg *.png)</source>
      <translation>照片 (*.jpg *.jpeg *.png)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/search_dialog.py" line="69" />
      <source>Pick (Enter)</source>
      <translation>选择（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/pick_list.py" line="160" />
      <source>Pick list</source>
      <translation>拣货单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="318" />
      <source>Pick list of order {number} for {customer}: {count} line(s){short} (A4): written to {out}</source>
      <translation>订单 {number} 的拣货单（客户：{customer}）：{count} 行{short}（A4）：已写入 {out}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/pick_list.py" line="178" />
      <source>Pick list {number}</source>
      <translation>拣货单 {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/customers.py" line="481" />
      <source>Pick the make and model from the vehicle list.</source>
      <translation>请从车辆列表中选择品牌和车型。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="435" />
      <source>Pick the vehicle's model from the vehicle list first (Edit the vehicle).</source>
      <translation>请先从车型列表中选择该车辆的车型（编辑车辆）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/pick_list.py" line="155" />
      <source>Picked</source>
      <translation>已拣货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/pick_list.py" line="130" />
      <source>Picked by</source>
      <translation>拣货人</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="290" />
      <source>Picked {at} by {name}</source>
      <translation>{name} 于 {at} 拣货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="92" />
      <source>Plate</source>
      <translation>车牌</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="156" />
      <source>Plates</source>
      <translation>车牌</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="102" />
      <source>Please pay {amount} {currency}, the overdue items at once and the others by their due dates, quoting customer no. #{number} and the document numbers.</source>
      <translation>请支付 {amount} {currency}：逾期款项请立即支付，其余款项请在各自到期日前支付，付款时请注明客户编号 #{number} 和单据编号。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="198" />
      <source>Plus lines</source>
      <translation>盘盈行数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="198" />
      <source>Plus {currency}</source>
      <translation>盘盈 {currency}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/tender_dialog.py" line="119" />
      <source>Poi&amp;nts (has {points:,}, 1 = {value})</source>
      <translation>积分（现有 {points:,}，1 分 = {value}）(&amp;N)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="151" />
      <source>Point value</source>
      <translation>积分价值</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="31" />
      <source>Points</source>
      <translation>积分</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="34" />
      <source>Points amount</source>
      <translation>积分抵扣金额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="169" />
      <source>Points cannot pay: the shop's point value is 0.</source>
      <translation>无法用积分付款：门店的积分价值为 0。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="170" />
      <source>Points earned per 1.00 spent</source>
      <translation>每消费 1.00 获得的积分</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="174" />
      <source>Points expire after (months; 0: never)</source>
      <translation>积分有效期（月；0：永不过期）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/tender_dialog.py" line="174" />
      <source>Points: a whole number of points.</source>
      <translation>积分：须为整数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="104" />
      <source>Points: a whole number.</source>
      <translation>积分：须为整数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="116" />
      <source>Points: more than 0.</source>
      <translation>积分：须大于 0。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="116" />
      <source>Points: not 0.</source>
      <translation>积分：不能为 0。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="114" />
      <source>Points: too many.</source>
      <translation>积分：数值过大。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_membership.py" line="249" />
      <source>Points: {points} (worth {value})</source>
      <translation>积分：{points}（价值 {value}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="111" />
      <source>Points: {value!r} is not a whole number.</source>
      <translation>积分：{value!r} 不是整数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_editor.py" line="268" />
      <source>Position</source>
      <translation>位置</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="648" />
      <source>Post a receipt first: its labels are printed from it.</source>
      <translation>请先过账收货单：标签根据收货单打印。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="761" />
      <source>Post counted − book at count for every line, in one transaction</source>
      <translation>按实盘过账 − 所有行的账面数量一次性调整为实盘数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="215" />
      <source>Post receipt (Ctrl+Enter)</source>
      <translation>过账收货单（Ctrl+Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="54" />
      <source>Posted</source>
      <translation>已过账</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="44" />
      <source>Posted at</source>
      <translation>过账时间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1363" />
      <source>Posting {number}…</source>
      <translation>正在过账 {number}…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reprint_dialog.py" line="86" />
      <source>Pre&amp;view (Alt+V)</source>
      <translation>预览（Alt+V）(&amp;V)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_reports_view.py" line="115" />
      <source>Pre&amp;view (Ctrl+Shift+P)</source>
      <translation>预览（Ctrl+Shift+P）(&amp;V)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="512" />
      <source>Preferably by someone other than the technician. A failure sends the car back to work.</source>
      <translation>最好由施工技师以外的人员进行。不合格则车辆退回返工。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="35" />
      <source>Preferred channel</source>
      <translation>首选联系渠道</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="34" />
      <source>Preferred contact</source>
      <translation>首选联系方式</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="108" />
      <source>Preferred contact is one of: {channels}.</source>
      <translation>首选联系方式须为以下之一：{channels}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="100" />
      <source>Preferred supplier</source>
      <translation>首选供应商</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="36" />
      <source>Preferred time</source>
      <translation>首选联系时间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="30" />
      <source>Prepaid</source>
      <translation>储值</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="34" />
      <source>Prepaid amount</source>
      <translation>储值付款金额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="29" />
      <source>Prepaid balance</source>
      <translation>储值余额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_membership.py" line="258" />
      <source>Prepaid balance: {amount}</source>
      <translation>储值余额：{amount}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_membership.py" line="63" />
      <source>Prepaid top-up — {name}</source>
      <translation>储值充值 — {name}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="113" />
      <source>Prepaid top-ups ({count})</source>
      <translation>储值充值（{count}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="116" />
      <source>Prepaid top-ups ({currency})</source>
      <translation>储值充值（{currency}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="186" />
      <source>Prepaid {amount} is more than the customer's prepaid balance of {balance}.</source>
      <translation>储值付款 {amount} 超过客户的储值余额 {balance}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/quote.py" line="173" />
      <source>Prepared by</source>
      <translation>制单人</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="239" />
      <source>Preview (Ctrl+Shift+P)</source>
      <translation>预览（Ctrl+Shift+P）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="240" />
      <source>Preview labels (F8)</source>
      <translation>预览标签（F8）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="778" />
      <source>Preview of labels</source>
      <translation>标签预览</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="335" />
      <source>Preview of the X report</source>
      <translation>X报表预览</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1423" />
      <source>Preview of the {word} of {number}</source>
      <translation>{number} 的{word}预览</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1427" />
      <source>Preview of the {word} of {number} shown.</source>
      <translation>已显示 {number} 的{word}预览。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="387" />
      <source>Preview of {kind} {number}</source>
      <translation>{kind} {number} 预览</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="655" />
      <source>Preview of {number}</source>
      <translation>{number} 预览</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="1209" />
      <source>Preview of {number} shown.</source>
      <translation>已显示 {number} 的预览。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="320" />
      <source>Preview the PO</source>
      <translation>预览采购单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="162" />
      <source>Preview the report shown</source>
      <translation>预览当前显示的报表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="216" />
      <source>Price</source>
      <translation>价格</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="395" />
      <source>Price saved.</source>
      <translation>价格已保存。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="205" />
      <source>Price tier of a walk-in customer</source>
      <translation>散客的价格等级</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="213" />
      <source>Price tier of account customers</source>
      <translation>挂账客户的价格等级</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="207" />
      <source>Price tier of class A customers</source>
      <translation>A 类客户的价格等级</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="209" />
      <source>Price tier of class B customers</source>
      <translation>B 类客户的价格等级</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="211" />
      <source>Price tier of class C customers</source>
      <translation>C 类客户的价格等级</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="161" />
      <source>Price tiers</source>
      <translation>价格等级</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_editor.py" line="234" />
      <source>Prices and stock</source>
      <translation>价格和库存</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="331" />
      <source>Prices changed since quote {number}</source>
      <translation>报价单 {number} 开出后价格已变动</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="242" />
      <source>Prices exclude tax; tax is added.</source>
      <translation>价格不含税；税额另加。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/purchase_order.py" line="130" />
      <source>Prices in {currency} per unit as agreed; please quote our PO number {number} on the delivery note and the invoice.</source>
      <translation>价格为约定的单价，币种 {currency}；请在送货单和发票上注明我方采购单号 {number}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="143" />
      <source>Prices include tax</source>
      <translation>价格含税</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="242" />
      <source>Prices include tax.</source>
      <translation>价格含税。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="333" />
      <source>Prices of {number} · {brand} · {name}</source>
      <translation>{number} · {brand} · {name} 的价格</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="241" />
      <source>Print</source>
      <translation>打印</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_membership.py" line="154" />
      <source>Print &amp;card…</source>
      <translation>打印会员卡…(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="589" />
      <source>Print (Ctrl+P)</source>
      <translation>打印（Ctrl+P）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reprint_dialog.py" line="83" />
      <source>Print COPY (Enter)</source>
      <translation>打印副本（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="494" />
      <source>Print any invoice, receipt or credit note again, marked COPY</source>
      <translation>重新打印任何发票、小票或红字冲销单，标注“副本”</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1419" />
      <source>Print from {number}</source>
      <translation>打印 {number} 的单据</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_reports_view.py" line="271" />
      <source>Print it again from the stock report (Ctrl+P).</source>
      <translation>可在库存报表中重新打印（Ctrl+P）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_reports_view.py" line="340" />
      <source>Print it again from the workshop reports (Ctrl+P).</source>
      <translation>可在车间报表中重新打印（Ctrl+P）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="327" />
      <source>Print it again with Print the test sheet.</source>
      <translation>可通过“打印测试页”重新打印。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="245" />
      <source>Print labels</source>
      <translation>打印标签</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="249" />
      <source>Print labels for what was received:</source>
      <translation>为已收货的配件打印标签：</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="632" />
      <source>Print labels for what {number} received:</source>
      <translation>为 {number} 收货的配件打印标签：</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="318" />
      <source>Print the PO on the A4 printer</source>
      <translation>在 A4 打印机上打印采购单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="164" />
      <source>Print the Z report just closed again, marked COPY</source>
      <translation>重新打印刚日结的Z报表，标注“副本”</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="645" />
      <source>Print the count sheet of the selected count (by bin)</source>
      <translation>打印所选盘点的盘点表（按货位）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_reports_view.py" line="134" />
      <source>Print the report on the A4 printer</source>
      <translation>在 A4 打印机上打印报表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="160" />
      <source>Print the report shown on the receipt printer</source>
      <translation>在小票打印机上打印当前显示的报表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="95" />
      <source>Print the test sheet, then scan its codes one after the other, as asked below. PartsDesk measures how fast this scanner types, which key it sends after a code, and whether the keyboard layout or Caps Lock change what arrives.</source>
      <translation>先打印测试页，然后按下方提示依次扫描其中的条码。PartsDesk 会测量此扫描枪的输入速度、每个条码后发送的按键，以及键盘布局或 Caps Lock 是否会改变接收到的内容。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="765" />
      <source>Print the variance report (Ctrl+Shift+P: preview)</source>
      <translation>打印差异报表（Ctrl+Shift+P：预览）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="708" />
      <source>Print this count's sheet (Ctrl+Shift+P: preview)</source>
      <translation>打印本次盘点的盘点表（Ctrl+Shift+P：预览）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="143" />
      <source>Printed</source>
      <translation>打印日期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="200" />
      <source>Printed at the top of every receipt, invoice and statement. Only the name is needed now; the rest can be added later in the settings.</source>
      <translation>打印在每张小票、发票和对账单的顶部。现在只需填写名称，其余内容可稍后在设置中添加。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="165" />
      <source>Printed by</source>
      <translation>打印人</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="133" />
      <source>Printed on invoices and statements.</source>
      <translation>打印在发票和对账单上。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="342" />
      <source>Printed the X report.</source>
      <translation>已打印X报表。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="361" />
      <source>Printed the pick list of {number}.</source>
      <translation>已打印 {number} 的拣货单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1430" />
      <source>Printed the {word} of {number} ({pages} page(s)).</source>
      <translation>已打印 {number} 的{word}（{pages} 页）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="130" />
      <source>Printed under the name on every document.</source>
      <translation>打印在每张单据的门店名称下方。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="783" />
      <source>Printed {labels} label(s) on {pages} page(s).</source>
      <translation>已打印 {labels} 张标签，共 {pages} 页。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="306" />
      <source>Printed {number} (COPY).</source>
      <translation>已打印 {number}（副本）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="660" />
      <source>Printed {number} ({pages} page(s)).</source>
      <translation>已打印 {number}（{pages} 页）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="307" />
      <source>Printed {number}.</source>
      <translation>已打印 {number}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="671" />
      <source>Printed {summary}.</source>
      <translation>已打印 {summary}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="164" />
      <source>Printers (this PC)</source>
      <translation>打印机（本机）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="179" />
      <source>Printers on this PC: {names}.</source>
      <translation>本机的打印机：{names}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="355" />
      <source>Printing the pick list of {number}…</source>
      <translation>正在打印 {number} 的拣货单…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="296" />
      <source>Printing {number} (COPY)…</source>
      <translation>正在打印 {number}（副本）…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="1200" />
      <source>Printing {number}…</source>
      <translation>正在打印 {number}…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_io_dialogs.py" line="58" />
      <source>Problem</source>
      <translation>问题</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/adjustments.py" line="45" />
      <source>Process error</source>
      <translation>操作失误</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="83" />
      <source>Profile</source>
      <translation>基本资料</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="220" />
      <source>Projected</source>
      <translation>预计到期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="503" />
      <source>Promised</source>
      <translation>承诺交车时间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="131" />
      <source>Promised {when}</source>
      <translation>承诺交车 {when}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="430" />
      <source>Promised: {at}</source>
      <translation>承诺交车：{at}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="434" />
      <source>Promised: —</source>
      <translation>承诺交车：—</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/purchase_order.py" line="123" />
      <source>Purchase order</source>
      <translation>采购单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/purchase_order.py" line="141" />
      <source>Purchase order {number}</source>
      <translation>采购单 {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/first_run.py" line="42" />
      <source>Purchase orders</source>
      <translation>采购单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="419" />
      <source>Purchase orders are kept by those who may purchase (storekeeper, manager).</source>
      <translation>采购单由有采购权限的人员（库管员、经理）管理。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="72" />
      <source>Purpose</source>
      <translation>目的</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="315" />
      <source>Put unused parts back on the shelf</source>
      <translation>将未用的配件放回货架</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="194" />
      <source>Put-away bin</source>
      <translation>上架货位</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="203" />
      <source>Qt PDF (PySide6-Addons) is not installed, so documents cannot be printed or previewed; save them as PDF instead.</source>
      <translation>未安装 Qt PDF（PySide6-Addons），因此无法打印或预览单据；请改为另存为 PDF。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/pick_list.py" line="47" />
      <source>Qty</source>
      <translation>数量</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="170" />
      <source>Qty / hours</source>
      <translation>数量 / 工时</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="485" />
      <source>Quality check</source>
      <translation>质检</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1315" />
      <source>Quality check (F10) — {number}</source>
      <translation>质检（F10） — {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="789" />
      <source>Quality check failed: the order is back in progress.</source>
      <translation>质检未通过：工单已退回维修中。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="788" />
      <source>Quality check passed: the car is ready.</source>
      <translation>质检通过：车辆可以交车了。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="515" />
      <source>Quality checked by</source>
      <translation>质检人</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="90" />
      <source>Quality grade</source>
      <translation>品质等级</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="142" />
      <source>Quality grade is one of {grades}.</source>
      <translation>品质等级须为以下之一：{grades}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="271" />
      <source>Quality-check checklist</source>
      <translation>质检清单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/money.py" line="121" />
      <source>Quantity</source>
      <translation>数量</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="593" />
      <source>Quantity (thousandths)</source>
      <translation>数量（千分之一单位）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="675" />
      <source>Quantity for the next scan, or a barcode</source>
      <translation>下次扫码的数量，或条码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="433" />
      <source>Quantity returned</source>
      <translation>退货数量</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="432" />
      <source>Quantity sold</source>
      <translation>销售数量</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="442" />
      <source>Quantity to return</source>
      <translation>退货数量</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="330" />
      <source>Quantity to return of line {line}</source>
      <translation>第 {line} 行的退货数量</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="444" />
      <source>Quantity to return: more than 0.</source>
      <translation>退货数量：须大于 0。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="478" />
      <source>Quantity, discount or price of the selected line</source>
      <translation>所选行的数量、折扣或价格</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="297" />
      <source>Quantity, price, description or technician of the selected line</source>
      <translation>所选项目的数量、价格、描述或技师</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="254" />
      <source>Quantity: more than 0 (Del removes the line).</source>
      <translation>数量：须大于 0（按 Del 删除该行）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/shrinkage.py" line="74" />
      <source>Quarantine</source>
      <translation>隔离</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/shrinkage.py" line="98" />
      <source>Quarantine (stock kept in the shop: not shrinkage until scrapped)</source>
      <translation>隔离（库存仍在店内：报废前不计入损耗）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="141" />
      <source>Quit (Esc)</source>
      <translation>退出（Esc）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/complaints.py" line="33" />
      <source>Quote</source>
      <translation>报价单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="192" />
      <source>Quote a price below the cashier's gross-profit floor</source>
      <translation>报价低于收银员的毛利下限</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/quote.py" line="61" />
      <source>Quote for</source>
      <translation>报价对象</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="214" />
      <source>Quote number, customer or part number — or scan the quote's barcode</source>
      <translation>报价单编号、客户或配件编号 — 或扫描报价单条码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/quote.py" line="199" />
      <source>Quote {number}</source>
      <translation>报价单 {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="393" />
      <source>Quote {number} expired on {day}: every line is re-priced at today's price, the labour at today's rate.</source>
      <translation>报价单 {number} 已于 {day} 过期：每行均按当前价格重新计价，工时按当前费率计价。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="396" />
      <source>Quote {number} expired on {day}: every line is re-priced at today's price.</source>
      <translation>报价单 {number} 已于 {day} 过期：每行均按当前价格重新计价。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="460" />
      <source>Quote {number} expired on {day}: re-priced at today's prices.</source>
      <translation>报价单 {number} 已于 {day} 过期：已按当前价格重新计价。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1237" />
      <source>Quote {number} has no lines.</source>
      <translation>报价单 {number} 没有任何行。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1226" />
      <source>Quote {number} is for another customer.</source>
      <translation>报价单 {number} 属于其他客户。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1223" />
      <source>Quote {number} is {status}: it converts once.</source>
      <translation>报价单 {number} 当前为{status}：只能转换一次。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="305" />
      <source>Quote {number} of {at}, valid until {until}, total {amount} {currency}{copy} (A4): written to {out}</source>
      <translation>报价单 {number}（{at}），有效期至 {until}，合计 {amount} {currency}{copy}（A4）：已写入 {out}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="1107" />
      <source>Quote {number} saved, total {total}, valid until {day}: it prints now. F9 with an empty cart sells it.</source>
      <translation>报价单 {number} 已保存，合计 {total}，有效期至 {day}：正在打印。购物车为空时按 F9 可销售该报价单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="337" />
      <source>Quoted</source>
      <translation>报价</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="380" />
      <source>Quoted price</source>
      <translation>报价价格</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/first_run.py" line="37" />
      <source>Quotes</source>
      <translation>报价单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="212" />
      <source>Quotes (F9)</source>
      <translation>报价单（F9）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="220" />
      <source>Quotes are valid for (days)</source>
      <translation>报价单有效期（天）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="384" />
      <source>REAR</source>
      <translation>后</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="51" />
      <source>RECOUNT asked</source>
      <translation>已申请复盘</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="197" />
      <source>RO number, plate, customer or invoice</source>
      <translation>维修工单号、车牌、客户或发票</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="261" />
      <source>Raise a draft order to a supplier</source>
      <translation>向供应商新建采购单草稿</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="152" />
      <source>Rate</source>
      <translation>税率</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="93" />
      <source>Rate (lines)</source>
      <translation>通过率（按项目）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="94" />
      <source>Rate (value)</source>
      <translation>通过率（按金额）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/quote.py" line="48" />
      <source>Rate / h</source>
      <translation>费率 / 小时</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="306" />
      <source>Rate per hour</source>
      <translation>每小时费率</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="331" />
      <source>Re&amp;open</source>
      <translation>重新打开(&amp;O)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="103" />
      <source>Re-authorization needed</source>
      <translation>需要重新授权</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="89" />
      <source>Rea&amp;son</source>
      <translation>原因(&amp;S)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="53" />
      <source>Reached</source>
      <translation>已接通</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="507" />
      <source>Reactivate</source>
      <translation>重新启用</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="290" />
      <source>Read only: suppliers are kept by those who may purchase.</source>
      <translation>只读：供应商由有采购权限的人员管理。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="481" />
      <source>Read only: the workshop set-up is changed by a manager.</source>
      <translation>只读：车间设置由经理更改。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="363" />
      <source>Read the bays, labour classes and canned jobs again</source>
      <translation>重新读取工位、工时类别和标准套餐</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="319" />
      <source>Read the board and the list again</source>
      <translation>重新读取看板和列表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="429" />
      <source>Read the calendar again</source>
      <translation>重新读取日历</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="153" />
      <source>Read the list again</source>
      <translation>重新读取列表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="650" />
      <source>Read the list of counts again</source>
      <translation>重新读取盘点列表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="377" />
      <source>Read the odometer: whole kilometres.</source>
      <translation>读取里程表：填写整公里数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="265" />
      <source>Read the orders again</source>
      <translation>重新读取采购单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="234" />
      <source>Read the reminders again</source>
      <translation>重新读取保养提醒</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="167" />
      <source>Read the suppliers and prices again</source>
      <translation>重新读取供应商和价格</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="254" />
      <source>Reading the day…</source>
      <translation>正在读取当天数据…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="359" />
      <source>Reading today's cycle list…</source>
      <translation>正在读取今天的循环盘点清单…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="88" />
      <source>Ready</source>
      <translation>待交车</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/call_sheet.py" line="32" />
      <source>Reason</source>
      <translation>原因</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/returns.py" line="177" />
      <source>Reason for the return: one of {reasons}.</source>
      <translation>退货原因须为以下之一：{reasons}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="226" />
      <source>Reason: {reason}</source>
      <translation>原因：{reason}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="335" />
      <source>Recall (Enter)</source>
      <translation>取单（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="1052" />
      <source>Recalled: {name}</source>
      <translation>已取单：{name}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="258" />
      <source>Recei&amp;ved at</source>
      <translation>接收时间(&amp;V)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/sale_documents.py" line="39" />
      <source>Receipt</source>
      <translation>小票</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="303" />
      <source>Receipt paper width</source>
      <translation>小票纸宽</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="300" />
      <source>Receipt printer</source>
      <translation>小票打印机</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cashup.py" line="70" />
      <source>Receipts</source>
      <translation>小票</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="95" />
      <source>Received</source>
      <translation>已收货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="617" />
      <source>Received as {number}: {lines} line(s), {accepted} with goods accepted into stock.</source>
      <translation>已收货，收货单 {number}：共 {lines} 行，其中 {accepted} 行货物已入库。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="46" />
      <source>Received at</source>
      <translation>收到时间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/complaints.py" line="283" />
      <source>Received at cannot be in the future.</source>
      <translation>收到时间不能是将来。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/complaints.py" line="277" />
      <source>Received at: a date and time like 2026-11-22 09:30.</source>
      <translation>收到时间：请填写日期和时间，例如 2026-11-22 09:30。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/complaints.py" line="280" />
      <source>Received at: give the shop's local time without a time zone.</source>
      <translation>收到时间：请填写门店当地时间，不带时区。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="369" />
      <source>Received {when} · {category} · {channel}</source>
      <translation>接收于 {when} · {category} · {channel}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="881" />
      <source>Receiving</source>
      <translation>收货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="265" />
      <source>Reception checklist</source>
      <translation>接车检查清单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="271" />
      <source>Recommended, not approved</source>
      <translation>建议项目（客户未同意）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1147" />
      <source>Record the answer (Enter)</source>
      <translation>记录答复（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1317" />
      <source>Record the check (Enter)</source>
      <translation>记录检查结果（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="113" />
      <source>Record the selected vehicle's odometer reading</source>
      <translation>记录所选车辆的里程表读数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="201" />
      <source>Record what a supplier charges for this part</source>
      <translation>记录供应商对此配件的报价</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="390" />
      <source>Recorded by {user}</source>
      <translation>记录人：{user}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="232" />
      <source>Recorded: {kind} {amount}.</source>
      <translation>已记录：{kind} {amount}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1330" />
      <source>Recounts are asked for while reviewing a finished count.</source>
      <translation>复盘需在审核已完成的盘点时申请。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="65" />
      <source>Redeemed</source>
      <translation>已抵扣</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="389" />
      <source>Reference</source>
      <translation>参考号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="152" />
      <source>Refresh (F5)</source>
      <translation>刷新（F5）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="32" />
      <source>Refund</source>
      <translation>退款</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="474" />
      <source>Refund amount</source>
      <translation>退款金额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="446" />
      <source>Refund {amount}</source>
      <translation>退款 {amount}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="195" />
      <source>Refund: {method}</source>
      <translation>退款：{method}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="68" />
      <source>Refunded</source>
      <translation>退款</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="403" />
      <source>Refunded by</source>
      <translation>退款方式</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="443" />
      <source>Refunds</source>
      <translation>退款</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="102" />
      <source>Refunds ({count})</source>
      <translation>退款（{count}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="104" />
      <source>Refunds on credit notes ({currency})</source>
      <translation>红字冲销单退款（{currency}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="194" />
      <source>Reject reason</source>
      <translation>拒收原因</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="194" />
      <source>Rejected</source>
      <translation>拒收</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="207" />
      <source>Release</source>
      <translation>解除隔离</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/adjustments.py" line="235" />
      <source>Release quarantined stock back to stock (repaired) or to scrap.</source>
      <translation>将隔离库存解除隔离：修复后退回库存，或报废。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="372" />
      <source>Reminder added.</source>
      <translation>保养提醒已添加。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="393" />
      <source>Reminder cancelled.</source>
      <translation>保养提醒已取消。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="307" />
      <source>Reminders</source>
      <translation>保养提醒</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="113" />
      <source>Remittance</source>
      <translation>付款说明</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_editor.py" line="250" />
      <source>Remove</source>
      <translation>移除</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="493" />
      <source>Remove (Del)</source>
      <translation>移除（Del）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="715" />
      <source>Remove (Enter)</source>
      <translation>移除（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="211" />
      <source>Remove line (Del)</source>
      <translation>删除行（Del）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="714" />
      <source>Remove line {line}: {description}</source>
      <translation>删除第 {line} 行：{description}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="308" />
      <source>Remove the row</source>
      <translation>删除该行</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="217" />
      <source>Remove the selected damage mark</source>
      <translation>删除所选损伤标记</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="480" />
      <source>Remove the selected line</source>
      <translation>删除所选行</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="396" />
      <source>Removed</source>
      <translation>已移除</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="92" />
      <source>Rename bay {code} (F6)</source>
      <translation>重命名工位 {code}（F6）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="375" />
      <source>Rename the selected bay</source>
      <translation>重命名所选工位</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="327" />
      <source>Reopen: the customer came back unhappy</source>
      <translation>重新打开：客户再次来访表示不满</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="203" />
      <source>Reorder drafts for this part go to the selected supplier</source>
      <translation>此配件的补货采购单草稿发给所选供应商</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="355" />
      <source>Reorder: parts whose stock on hand − reserved is below their minimum and that are on no open order, topped up to their maximum in the preferred supplier's packs</source>
      <translation>补货：在库 − 已预留低于最低库存且不在任何未结采购单中的配件，按首选供应商的包装补足到最高库存</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_documents.py" line="371" />
      <source>Repair</source>
      <translation>维修</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/complaints.py" line="34" />
      <source>Repair order</source>
      <translation>维修工单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/reminders.py" line="210" />
      <source>Repair order #{id} does not exist.</source>
      <translation>维修工单 #{id} 不存在。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="667" />
      <source>Repair order #{order_id} is not the order of appointment #{appointment_id}.</source>
      <translation>维修工单 #{order_id} 不是预约 #{appointment_id} 的工单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="227" />
      <source>Repair order {number}</source>
      <translation>维修工单 {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1031" />
      <source>Repair order {number} has no work on it.</source>
      <translation>维修工单 {number} 上没有任何施工项目。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1130" />
      <source>Repair order {number} has nothing to invoice.</source>
      <translation>维修工单 {number} 没有可开票的内容。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1062" />
      <source>Repair order {number} is {status}, not waiting for its quality check.</source>
      <translation>维修工单 {number} 当前为{status}，不在等待质检。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="348" />
      <source>Repair order {number} is {status}: it cannot change any more.</source>
      <translation>维修工单 {number} 当前为{status}：不能再修改。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1125" />
      <source>Repair order {number} is {status}: it is delivered once it passed its quality check.</source>
      <translation>维修工单 {number} 当前为{status}：质检通过后才能交车。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_documents.py" line="406" />
      <source>Repair order {number} is {status}: its delivery note prints once the car is delivered.</source>
      <translation>维修工单 {number} 当前为{status}：车辆交车后才能打印交车单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="910" />
      <source>Repair order {number} is {status}: no work on it now.</source>
      <translation>维修工单 {number} 当前为{status}：现在不能在其上施工。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1026" />
      <source>Repair order {number} is {status}: only work in progress goes to the quality check.</source>
      <translation>维修工单 {number} 当前为{status}：只有维修中的工单才能送去质检。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/first_run.py" line="39" />
      <source>Repair orders</source>
      <translation>维修工单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/adjustments.py" line="52" />
      <source>Repaired (from quarantine)</source>
      <translation>已修复（解除隔离）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/shrinkage.py" line="76" />
      <source>Repaired, back to stock</source>
      <translation>已修复，退回库存</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="422" />
      <source>Replace the shop database with the backup
{file}?

Everything entered after that backup will be gone from the shop database (the current file is kept as a copy in the backup folder). Other terminals must close PartsDesk first. After the restore, everyone logs in again.</source>
      <translation>用以下备份替换门店数据库吗？
{file}

该备份之后录入的所有内容都将从门店数据库中消失（当前文件会作为副本保留在备份文件夹中）。其他终端必须先关闭 PartsDesk。恢复后，所有人需重新登录。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="117" />
      <source>Replace {url} with {file}? The current file is kept as a copy. [y/N] </source>
      <translation>用 {file} 替换 {url} 吗？当前文件将保留一份副本。[y/N] </translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/complaints_register.py" line="124" />
      <source>Report &amp;from</source>
      <translation>报表起始日期(&amp;F)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="883" />
      <source>Reports</source>
      <translation>报表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="222" />
      <source>Reprint (Ctrl+P)</source>
      <translation>补打（Ctrl+P）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="163" />
      <source>Reprint Z (COPY)</source>
      <translation>补打Z报表（副本）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="208" />
      <source>Reprint of Z report {number}</source>
      <translation>补打：Z报表 {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/quote.py" line="176" />
      <source>Reprint of quote {number}</source>
      <translation>补打：报价单 {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="118" />
      <source>Reprint of {document} {number}</source>
      <translation>补打：{document} {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="1199" />
      <source>Reprinting {number} (COPY)…</source>
      <translation>正在补打 {number}（副本）…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="107" />
      <source>Reserved</source>
      <translation>已预留</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="48" />
      <source>Resolution</source>
      <translation>处理结果</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="381" />
      <source>Resolution ({when}): {text}</source>
      <translation>解决方案（{when}）：{text}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="308" />
      <source>Resolve</source>
      <translation>解决</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="189" />
      <source>Resolve a complaint within (days)</source>
      <translation>投诉解决时限（天）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="96" />
      <source>Resolve by</source>
      <translation>解决期限</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/complaints.py" line="25" />
      <source>Resolved</source>
      <translation>已解决</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="95" />
      <source>Respond by</source>
      <translation>答复期限</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="372" />
      <source>Respond by {respond} · resolve by {resolve}</source>
      <translation>答复期限 {respond} · 解决期限 {resolve}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="443" />
      <source>Restore</source>
      <translation>恢复</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="416" />
      <source>Restore a backup</source>
      <translation>恢复备份</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="126" />
      <source>Restored {file}.</source>
      <translation>已恢复 {file}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="124" />
      <source>Restored {file}. The replaced database was kept as {kept}.</source>
      <translation>已恢复 {file}。被替换的数据库已保留为 {kept}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="115" />
      <source>Restoring replaces the shop database; add --yes to confirm.</source>
      <translation>恢复将替换门店数据库；请加上 --yes 确认。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="400" />
      <source>Result</source>
      <translation>结果</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="94" />
      <source>Retail price</source>
      <translation>零售价</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="195" />
      <source>Retail price cannot be 0: a part sold for nothing is a typing mistake.</source>
      <translation>零售价不能为 0：配件不可能白送，应是输入错误。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/complaints.py" line="33" />
      <source>Return</source>
      <translation>退货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="104" />
      <source>Return (F6)</source>
      <translation>退货（F6）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/returns.py" line="208" />
      <source>Return line {line}: back to stock or to quarantine.</source>
      <translation>退货第 {line} 行：请选择退回库存或移入隔离区。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/returns.py" line="194" />
      <source>Return line {line}: choose a line of the sale.</source>
      <translation>退货第 {line} 行：请选择该销售中的一行。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/returns.py" line="202" />
      <source>Return line {line}: the quantity is a whole number of thousandths.</source>
      <translation>退货第 {line} 行：数量须为千分之一的整数倍。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/returns.py" line="205" />
      <source>Return line {line}: the quantity to return must be more than 0.</source>
      <translation>退货第 {line} 行：退货数量必须大于 0。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1275" />
      <source>Return to stock (Enter)</source>
      <translation>退回库存（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1273" />
      <source>Return unused parts — {number}</source>
      <translation>退回未用配件 — {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="216" />
      <source>Return window (days)</source>
      <translation>退货期限（天）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="116" />
      <source>Returnable</source>
      <translation>可退数量</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="131" />
      <source>Returned</source>
      <translation>已退货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="218" />
      <source>Returns that need a manager (minor units)</source>
      <translation>需经理批准的退货金额（最小货币单位）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_reports_view.py" line="200" />
      <source>Revenue</source>
      <translation>营业收入</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1274" />
      <source>Review of {number} · {scope} · {status}</source>
      <translation>审核 {number} · {scope} · {status}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="246" />
      <source>Reviewed by</source>
      <translation>审核人</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="270" />
      <source>Road test</source>
      <translation>路试</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="122" />
      <source>Role</source>
      <translation>角色</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="87" />
      <source>Role of {name}</source>
      <translation>{name} 的角色</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="614" />
      <source>Roll: {w} x {h} mm labels</source>
      <translation>卷装：{w} x {h} mm 标签</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_io_dialogs.py" line="58" />
      <source>Row</source>
      <translation>行</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="333" />
      <source>Row {row}, {column}: a whole number, not “{text}”.</source>
      <translation>第 {row} 行，{column}：须为整数，而不是“{text}”。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="550" />
      <source>Rows</source>
      <translation>行数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_reports_view.py" line="125" />
      <source>Run the reports for the days chosen</source>
      <translation>按所选日期生成报表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_reports_view.py" line="214" />
      <source>Running the stock report…</source>
      <translation>正在生成库存报表…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_reports_view.py" line="264" />
      <source>Running the workshop reports…</source>
      <translation>正在生成车间报表…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="135" />
      <source>S&amp;canner set-up…</source>
      <translation>扫描枪设置…(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/complaints_register.py" line="97" />
      <source>S&amp;tatus</source>
      <translation>状态(&amp;T)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/pick_list.py" line="167" />
      <source>SHORT</source>
      <translation>缺货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="134" />
      <source>Sa&amp;ve these settings (Alt+V)</source>
      <translation>保存这些设置（Alt+V）(&amp;V)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/complaints.py" line="33" />
      <source>Sale</source>
      <translation>销售</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cashup.py" line="63" />
      <source>Sale cancelled</source>
      <translation>销售已取消</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="1046" />
      <source>Sale parked: F8 with an empty cart recalls it.</source>
      <translation>已挂单：购物车为空时按 F8 可取单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="738" />
      <source>Sale voided: {count} line(s) taken out of the cart.</source>
      <translation>销售已作废：已从购物车移除 {count} 行。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="96" />
      <source>Sales ({count})</source>
      <translation>销售（{count}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="99" />
      <source>Sales by payment method ({currency})</source>
      <translation>按付款方式统计的销售（{currency}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/stock_reports.py" line="53" />
      <source>Sales looked at</source>
      <translation>统计销售期间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1119" />
      <source>Satisfaction</source>
      <translation>满意度</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/complaints.py" line="418" />
      <source>Satisfaction: a score from {least} (very unhappy) to {most} (very happy).</source>
      <translation>满意度：{least}（非常不满意）到 {most}（非常满意）之间的分数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_editor.py" line="119" />
      <source>Save (Ctrl+S)</source>
      <translation>保存（Ctrl+S）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/forms.py" line="223" />
      <source>Save (Enter)</source>
      <translation>保存（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="111" />
      <source>Save and print pick list (Enter)</source>
      <translation>保存并打印拣货单（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_editor.py" line="166" />
      <source>Save anyway</source>
      <translation>仍然保存</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reprint_dialog.py" line="88" />
      <source>Save as P&amp;DF (Alt+D)</source>
      <translation>另存为 PDF（Alt+D）(&amp;D)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="592" />
      <source>Save as PDF (Ctrl+S)</source>
      <translation>另存为 PDF（Ctrl+S）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="243" />
      <source>Save as PDF…</source>
      <translation>另存为 PDF…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="79" />
      <source>Save as quote (F9)</source>
      <translation>保存为报价单（F9）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="130" />
      <source>Save every changed setting; nothing is saved if one is refused</source>
      <translation>保存所有更改的设置；如有一项被拒绝，则全部不保存</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="675" />
      <source>Save labels as PDF</source>
      <translation>将标签另存为 PDF</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="247" />
      <source>Save labels as PDF…</source>
      <translation>将标签另存为 PDF…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="665" />
      <source>Save purchase order {number} as PDF</source>
      <translation>将采购单 {number} 另存为 PDF</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="80" />
      <source>Save quote (Enter)</source>
      <translation>保存报价单（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="322" />
      <source>Save the PO as a PDF file</source>
      <translation>将采购单另存为 PDF 文件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/care_lists.py" line="224" />
      <source>Save the call sheet</source>
      <translation>保存回访单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="487" />
      <source>Save the cart as a phone or trade order and print its pick list, or (cart empty) pick, sell or cancel the open orders</source>
      <translation>将购物车保存为电话订单或修理厂订单并打印拣货单；购物车为空时，可对未结订单拣货、销售或取消</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="484" />
      <source>Save the cart as a quote and print it, or (cart empty) find a quote to sell, reprint or cancel</source>
      <translation>将购物车保存为报价单并打印；购物车为空时，可查找报价单进行销售、补打或取消</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="85" />
      <source>Save the cart as an order (F7)</source>
      <translation>将购物车保存为订单（F7）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/complaints_register.py" line="236" />
      <source>Save the complaints report</source>
      <translation>保存投诉报表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_membership.py" line="322" />
      <source>Save the member card</source>
      <translation>保存会员卡</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_reports_view.py" line="136" />
      <source>Save the report as a PDF file</source>
      <translation>将报表另存为 PDF 文件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="316" />
      <source>Save the scanner test sheet</source>
      <translation>保存扫描枪测试页</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="102" />
      <source>Save the sheet as P&amp;DF… (Alt+D)</source>
      <translation>将盘点表另存为 PDF…（Alt+D）(&amp;D)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="543" />
      <source>Save the shrinkage report as PDF</source>
      <translation>将损耗报表另存为 PDF</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="411" />
      <source>Save the statement</source>
      <translation>保存对账单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_reports_view.py" line="256" />
      <source>Save the stock report as PDF</source>
      <translation>将库存报表另存为 PDF</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_reports_view.py" line="324" />
      <source>Save the workshop report as PDF</source>
      <translation>将车间报表另存为 PDF</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="396" />
      <source>Save {kind} {number} as PDF</source>
      <translation>将{kind} {number} 另存为 PDF</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="299" />
      <source>Saved for this PC: keys up to {gap} ms apart ended by {end} are a scan. The scanner uses them from now on.</source>
      <translation>已为本机保存：按键间隔不超过 {gap} ms 且以 {end} 结尾的输入视为扫码。扫描枪从现在起按此设置工作。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="555" />
      <source>Saved to {path}.</source>
      <translation>已保存到 {path}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="505" />
      <source>Saved {0} and {1}.</source>
      <translation>已保存 {0} 和 {1}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="1206" />
      <source>Saved {number} to {path}.</source>
      <translation>已将 {number} 保存到 {path}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="687" />
      <source>Saved {summary} to {path}.</source>
      <translation>已将 {summary} 保存到 {path}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="467" />
      <source>Saved.</source>
      <translation>已保存。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="400" />
      <source>Saved: {count} setting(s).</source>
      <translation>已保存：{count} 项设置。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="293" />
      <source>Saving…</source>
      <translation>正在保存…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/orders.py" line="184" />
      <source>Say how the order came in: by phone or as a trade order.</source>
      <translation>请说明订单来源：电话订单或修理厂订单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="737" />
      <source>Say what becomes of the parts nobody counted: leave them, or count them as zero.</source>
      <translation>请确定未盘到的配件如何处理：不处理，或按零计。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1058" />
      <source>Say what failed, for the technician.</source>
      <translation>请说明不合格之处，供技师参考。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="625" />
      <source>Say what the charge is for.</source>
      <translation>请说明此项费用的用途。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="632" />
      <source>Say what the list is for (for example: birthday greetings).</source>
      <translation>请说明此名单的用途（例如：生日祝福）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1401" />
      <source>Say what was done, for the customer.</source>
      <translation>请说明处理情况，供客户查看。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="618" />
      <source>Say what work is done.</source>
      <translation>请说明施工内容。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="468" />
      <source>Say what work the customer asks for ("oil service", "brakes squeal").</source>
      <translation>请说明客户要求的工作（“机油保养”“刹车异响”）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="499" />
      <source>Say which day to call back.</source>
      <translation>请说明哪天回电。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/reminders.py" line="143" />
      <source>Say which service is due (for example Oil service).</source>
      <translation>请说明到期的保养项目（例如 机油保养）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="123" />
      <source>Say why (for example: points missed on sale S-1042); it goes into the audit log.</source>
      <translation>请说明原因（例如：销售 S-1042 漏记积分）；将记入审计日志。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="632" />
      <source>Say why the appointment is cancelled.</source>
      <translation>请说明取消预约的原因。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cashup.py" line="276" />
      <source>Say why the cash was paid in (e.g. change from the bank).</source>
      <translation>请说明存入现金的原因（例如：从银行换来的零钱）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cashup.py" line="277" />
      <source>Say why the cash was paid out (e.g. the window cleaner).</source>
      <translation>请说明取出现金的原因（例如：支付擦窗工人）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="769" />
      <source>Say why the count is cancelled; it goes into the audit log.</source>
      <translation>请说明取消盘点的原因；将记入审计日志。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/customers.py" line="415" />
      <source>Say why the data is erased (for example: the customer asked on 3 May).</source>
      <translation>请说明清除信息的原因（例如：客户于 5 月 3 日提出要求）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/orders.py" line="373" />
      <source>Say why the order is cancelled (1 to {most} characters).</source>
      <translation>请说明取消订单的原因（1 到 {most} 个字符）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="503" />
      <source>Say why the quote is cancelled (1 to {most} characters).</source>
      <translation>请说明取消报价单的原因（1 到 {most} 个字符）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="96" />
      <source>Say why the role changes.</source>
      <translation>请说明更改角色的原因。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/customers.py" line="295" />
      <source>Say why these two records are the same customer.</source>
      <translation>请说明这两条记录为何是同一客户。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="153" />
      <source>Say why this call is not needed any more.</source>
      <translation>请说明为何不再需要此回访。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="210" />
      <source>Say why this customer's class is set by hand.</source>
      <translation>请说明手动设置该客户分类的原因。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="645" />
      <source>Say why this customer's class is set by hand; it goes into the audit log.</source>
      <translation>请说明手动设置该客户分类的原因；将记入审计日志。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="576" />
      <source>Say why this part is no longer sold; it goes into the audit log.</source>
      <translation>请说明该配件停售的原因；将记入审计日志。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/reminders.py" line="339" />
      <source>Say why this reminder is not needed any more.</source>
      <translation>请说明为何不再需要此保养提醒。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="117" />
      <source>Scan</source>
      <translation>扫码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="544" />
      <source>Scan a barcode or pick a part.</source>
      <translation>请扫描条码或选择配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="177" />
      <source>Scan a part or type its number — Enter adds one; 3* first adds a pack of 3</source>
      <translation>扫描配件或输入配件编号 — 按 Enter 添加一件；先输入 3* 则按 3 件一包添加</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="289" />
      <source>Scan every code of the test sheet first.</source>
      <translation>请先扫描测试页上的所有条码。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="640" />
      <source>Scan into the selected count (a finished one: its recounts)</source>
      <translation>扫码计入所选盘点（已完成的盘点：计入其复盘）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/returns.py" line="129" />
      <source>Scan or type the number of the invoice or receipt, e.g. RC-000001.</source>
      <translation>请扫描或输入发票或小票的编号，例如 RC-000001。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="680" />
      <source>Scan the parts on the shelf.</source>
      <translation>请扫描货架上的配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/orders.py" line="268" />
      <source>Scan the pick list's barcode or type the order's number, e.g. SO-000001.</source>
      <translation>请扫描拣货单上的条码或输入订单编号，例如 SO-000001。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="176" />
      <source>Scan the pick list, or type a number, customer or reference</source>
      <translation>扫描拣货单，或输入单号、客户或参考号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="459" />
      <source>Scan the receipt or invoice first, or find the sale.</source>
      <translation>请先扫描小票或发票，或查找该笔销售。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="108" />
      <source>Scan the receipt or invoice — or type its number, the customer's name or phone, or a part number, then Enter</source>
      <translation>扫描小票或发票 — 或输入单据编号、客户姓名或电话、配件编号，然后按 Enter</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="245" />
      <source>Scan the receipt or invoice, or type what to look for.</source>
      <translation>扫描小票或发票，或输入要查找的内容。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/scanner_test_sheet.py" line="91" />
      <source>Scan with the scanner set-up of the PC it is connected to.</source>
      <translation>请在连接扫描枪的电脑上用扫描枪设置进行扫描。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1025" />
      <source>Scan {code} not counted: {why}</source>
      <translation>扫码 {code} 未计入：{why}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="940" />
      <source>Scan {code} was not counted: open a count first (Enter on the list).</source>
      <translation>扫码 {code} 未计入：请先打开一个盘点（在列表中按 Enter）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/scanner_test_sheet.py" line="68" />
      <source>Scan {number} of {count}</source>
      <translation>扫描第 {number} 个，共 {count} 个</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="230" />
      <source>Scan {number} of {count}: {what} — {content}</source>
      <translation>第 {number} / {count} 次扫码：{what} — {content}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="135" />
      <source>Scan, or type a part number or words — Enter finds</source>
      <translation>扫码，或输入配件编号或关键词 — 按 Enter 查找</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="240" />
      <source>Scanned</source>
      <translation>扫描数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="239" />
      <source>Scanned but no part has them; not posted. Link each to its part, or leave it.</source>
      <translation>已扫描但没有配件使用这些条码；未过账。请将其逐一关联到配件，或不予处理。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="634" />
      <source>Scanned {code}: this order takes no new lines now.</source>
      <translation>已扫描 {code}：此工单现在不能再添加新项目。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="165" />
      <source>Scanner (this PC)</source>
      <translation>扫描枪（本机）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="93" />
      <source>Scanner set-up</source>
      <translation>扫描枪设置</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="325" />
      <source>Scanner test sheet</source>
      <translation>扫描枪测试页</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="254" />
      <source>Scanner test sheet (A4): written to {out}. Scan it in File &gt; Scanner set-up… of the PC the scanner is connected to.</source>
      <translation>扫描枪测试页（A4）：已写入 {out}。请在连接扫描枪的电脑上，通过“文件 &gt; 扫描枪设置…”扫描此页。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="323" />
      <source>Scanner: key it sends after a code</source>
      <translation>扫描枪：每个条码后发送的按键</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="318" />
      <source>Scanner: longest gap between the keys of a scan (ms)</source>
      <translation>扫描枪：一次扫描中按键的最长间隔（毫秒）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="321" />
      <source>Scanner: shortest code (characters)</source>
      <translation>扫描枪：最短条码长度（字符）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="70" />
      <source>Scope</source>
      <translation>范围</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/call_sheet.py" line="33" />
      <source>Scores</source>
      <translation>评分</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/adjustments.py" line="47" />
      <source>Scrap</source>
      <translation>报废</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="195" />
      <source>Scrap (Ctrl+D)</source>
      <translation>报废（Ctrl+D）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/shrinkage.py" line="77" />
      <source>Scrapped from quarantine</source>
      <translation>从隔离区报废</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="98" />
      <source>Scratch</source>
      <translation>划痕</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="328" />
      <source>Screens, messages and printed documents, on every PC that has no language of its own.</source>
      <translation>界面、提示信息和打印单据的语言，适用于所有未单独设置语言的电脑。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="131" />
      <source>Se&amp;ttings…</source>
      <translation>设置…(&amp;T)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_tab.py" line="53" />
      <source>Search the catalogue</source>
      <translation>搜索配件目录</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="287" />
      <source>Search the catalogue (or scan a part's barcode)</source>
      <translation>搜索配件目录（或扫描配件条码）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="116" />
      <source>Search the catalogue for the parts that fit the selected vehicle</source>
      <translation>在配件目录中搜索适用于所选车辆的配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="81" />
      <source>Search the customers</source>
      <translation>搜索客户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="264" />
      <source>Search the stock list</source>
      <translation>搜索库存列表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="263" />
      <source>Search: barcode, part number, words or vehicle</source>
      <translation>搜索：条码、配件编号、关键词或车辆</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_tab.py" line="52" />
      <source>Search: barcode, part number, words or vehicle (e.g. golf 2015 brake pad) — Ctrl+F</source>
      <translation>搜索：条码、配件编号、关键词或车辆（例如 golf 2015 刹车片） — Ctrl+F</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/complaints_register.py" line="89" />
      <source>Search: complaint number, customer, document or words</source>
      <translation>搜索：投诉编号、客户、单据或关键词</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="80" />
      <source>Search: name, phone, plate, VIN or member card</source>
      <translation>搜索：姓名、电话、车牌、VIN 或会员卡</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_reports_view.py" line="132" />
      <source>See the report as it prints</source>
      <translation>查看报表的打印效果</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="874" />
      <source>Select a count first (Ctrl+N starts one).</source>
      <translation>请先选择一个盘点（按 Ctrl+N 新建）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="885" />
      <source>Select a count to review.</source>
      <translation>请选择要审核的盘点。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="749" />
      <source>Select a line first (scan or F2 adds one).</source>
      <translation>请先选择一行（扫码或按 F2 添加）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1213" />
      <source>Select a part's line first (an unknown barcode: F6 links it).</source>
      <translation>请先选择配件所在行（未知条码：按 F6 关联）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="332" />
      <source>Select an order first (scan its pick list, or search).</source>
      <translation>请先选择订单（扫描其拣货单或搜索）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1228" />
      <source>Select an unknown barcode's line to link it to a part.</source>
      <translation>请选择未知条码所在行，将其关联到配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="733" />
      <source>Select the labour line to clock on first.</source>
      <translation>请先选择要开工的工时项目。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="700" />
      <source>Select the line to change first.</source>
      <translation>请先选择要修改的行。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="701" />
      <source>Select the line to remove first.</source>
      <translation>请先选择要删除的行。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="209" />
      <source>Sell (Enter)</source>
      <translation>销售（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/stock_reports.py" line="56" />
      <source>Sellable stock at cost: {value} {currency}. Dead stock (no sale in {months} months): {dead}.</source>
      <translation>可售库存成本金额：{value} {currency}。呆滞库存（{months} 个月无销售）：{dead}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="197" />
      <source>Selling more than the stock on hand</source>
      <translation>超出在库数量销售</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="144" />
      <source>Selling prices in the catalogue are tax-inclusive (usual at a counter).</source>
      <translation>配件目录中的售价含税（柜台常用）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="312" />
      <source>Send the draft: it can no longer change; save its PDF for the supplier</source>
      <translation>发送草稿：发送后不能再修改；请保存其 PDF 发给供应商</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="758" />
      <source>Send the selected lines for a recount (none selected: every line out of tolerance)</source>
      <translation>将所选行送去复盘（未选择时：所有超出允差的行）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="54" />
      <source>Sent</source>
      <translation>已发送</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="31" />
      <source>Sep</source>
      <translation>9月</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="149" />
      <source>Series</source>
      <translation>编号系列</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="426" />
      <source>Served by</source>
      <translation>收银员</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="222" />
      <source>Served by {name}</source>
      <translation>收银员：{name}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/reminders.py" line="63" />
      <source>Service</source>
      <translation>保养项目</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="26" />
      <source>Service advisor</source>
      <translation>服务顾问</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="50" />
      <source>Service reminder</source>
      <translation>保养提醒</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/reminders.py" line="98" />
      <source>Service reminder #{id} does not exist.</source>
      <translation>保养提醒 #{id} 不存在。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="211" />
      <source>Service reminders</source>
      <translation>保养提醒</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="63" />
      <source>Service reminders due</source>
      <translation>到期的保养提醒</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="287" />
      <source>Service reminders: call this many days ahead</source>
      <translation>保养提醒：提前几天打电话</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/reminders.py" line="89" />
      <source>Service type {number} ({name})</source>
      <translation>保养类型 {number}（{name}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/reminders.py" line="93" />
      <source>Service type {number} ({name}): set the days, the km or both.</source>
      <translation>保养类型 {number}（{name}）：请设置天数、公里数或两者。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/reminders.py" line="96" />
      <source>Service type {number} ({name}): the name is used twice.</source>
      <translation>保养类型 {number}（{name}）：名称重复。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/reminders.py" line="86" />
      <source>Service type {number}: a name of 1 to {most} characters.</source>
      <translation>保养类型 {number}：名称须为 1 到 {most} 个字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/reminders.py" line="82" />
      <source>Service type {number}: needs a name, days and km, and nothing else.</source>
      <translation>保养类型 {number}：只需名称、天数和公里数，不能有其他内容。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="284" />
      <source>Service types for reminders</source>
      <translation>保养提醒的保养类型</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/reminders.py" line="76" />
      <source>Service types: a list of at least one type.</source>
      <translation>保养类型：至少需要一个类型。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/reminders.py" line="78" />
      <source>Service types: at most 30.</source>
      <translation>保养类型：最多 30 个。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="149" />
      <source>Set a new PIN or password for the selected user</source>
      <translation>为所选用户设置新PIN码或密码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="114" />
      <source>Settings</source>
      <translation>设置</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="308" />
      <source>Setup</source>
      <translation>设置</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="258" />
      <source>Sh&amp;ow</source>
      <translation>显示(&amp;O)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="244" />
      <source>Share of counted lines within their class's tolerance; plus and minus errors are kept apart and never net out.</source>
      <translation>在其分类允差范围内的已盘点行所占比例；盘盈和盘亏分开统计，不相互抵消。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="83" />
      <source>Share overdue (received in the period, overdue now or handled late)</source>
      <translation>逾期比例（本期收到，当前已逾期或处理超时）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="372" />
      <source>Shift+F6 New bay</source>
      <translation>Shift+F6 新建工位</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="384" />
      <source>Shift+F7 New class</source>
      <translation>Shift+F7 新建工时类别</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="399" />
      <source>Shift+F8 New canned job</source>
      <translation>Shift+F8 新建标准套餐</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="314" />
      <source>Shift+F9 Return</source>
      <translation>Shift+F9 退货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="158" />
      <source>Shop</source>
      <translation>门店</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="209" />
      <source>Shop &amp;name</source>
      <translation>门店名称(&amp;N)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="130" />
      <source>Shop address</source>
      <translation>门店地址</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="71" />
      <source>Shop database</source>
      <translation>门店数据库</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="290" />
      <source>Shop database (this PC)</source>
      <translation>门店数据库（本机）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="137" />
      <source>Shop logo</source>
      <translation>门店标志</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="135" />
      <source>Shop logo (image file)</source>
      <translation>门店标志（图片文件）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="129" />
      <source>Shop name</source>
      <translation>门店名称</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="132" />
      <source>Shop phone</source>
      <translation>门店电话</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="133" />
      <source>Shop tax ID</source>
      <translation>门店税号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="248" />
      <source>Short by {amount}.</source>
      <translation>短款 {amount}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_history.py" line="56" />
      <source>Show</source>
      <translation>显示</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="153" />
      <source>Show &amp;inactive</source>
      <translation>显示已停用(&amp;I)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="360" />
      <source>Show &amp;inactive (Alt+I)</source>
      <translation>显示已停用（Alt+I）(&amp;I)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="215" />
      <source>Show &amp;upcoming too</source>
      <translation>同时显示即将到期的(&amp;U)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="222" />
      <source>Show (F5)</source>
      <translation>显示（F5）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_tab.py" line="59" />
      <source>Show inactive parts</source>
      <translation>显示已停用的配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_history.py" line="73" />
      <source>Show ol&amp;der</source>
      <translation>显示更早的记录(&amp;D)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="375" />
      <source>Show the lists for today or for this week.</source>
      <translation>显示今天或本周的名单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_history.py" line="79" />
      <source>Show:</source>
      <translation>显示：</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/shrinkage.py" line="87" />
      <source>Shrinkage report</source>
      <translation>损耗报表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/shrinkage.py" line="106" />
      <source>Shrinkage report {span}</source>
      <translation>损耗报表 {span}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_documents.py" line="192" />
      <source>Signed {who} {at:%Y-%m-%d}</source>
      <translation>{who} 于 {at:%Y-%m-%d} 签字</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/labels.py" line="197" />
      <source>Size</source>
      <translation>尺寸</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_reports_view.py" line="155" />
      <source>Slow movers</source>
      <translation>滞销件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/stock_reports.py" line="73" />
      <source>Slow movers: more months of stock than the shelf should hold at the pace they sell</source>
      <translation>滞销件：按其销售速度，库存可售月数超过货架应有水平</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="118" />
      <source>Slowest gap</source>
      <translation>最慢间隔</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="253" />
      <source>Slowest gap between two keys of a scan: {slowest} ms. Keys up to {gap} ms apart will count as a scan (now {now} ms).</source>
      <translation>一次扫码中两次按键的最慢间隔：{slowest} ms。间隔不超过 {gap} ms 的按键将视为扫码（当前为 {now} ms）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/stock_reports.py" line="38" />
      <source>Sold</source>
      <translation>已售</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/pick_list.py" line="157" />
      <source>Sold as</source>
      <translation>销售单号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/quote.py" line="50" />
      <source>Sold as {to}: this quote is closed.</source>
      <translation>已转为销售 {to}：此报价单已关闭。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="232" />
      <source>Sold during the count</source>
      <translation>盘点期间售出</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="745" />
      <source>Sold since</source>
      <translation>盘点后售出</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="250" />
      <source>Some characters arrive as others ({pairs}; {arrived}): the scanner's keyboard country does not match this PC's keyboard layout. Set the scanner's keyboard country to this PC's layout with the code in its manual, or switch this PC's keyboard layout to English (US).</source>
      <translation>部分字符被读成了其他字符（{pairs}；{arrived}）：扫描枪的键盘国家设置与本机的键盘布局不一致。请用扫描枪说明书中的设置码将其键盘国家设为本机的布局，或将本机键盘布局切换为英语（美国）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="221" />
      <source>Source</source>
      <translation>来源</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/vehicles.py" line="34" />
      <source>South America</source>
      <translation>南美</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="265" />
      <source>Spare wheel and tools</source>
      <translation>备胎和随车工具</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="68" />
      <source>Spent</source>
      <translation>消费</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_io_dialogs.py" line="90" />
      <source>Spreadsheets (*.csv *.xlsx);;All files (*)</source>
      <translation>电子表格 (*.csv *.xlsx);;所有文件 (*)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="331" />
      <source>Start (Enter)</source>
      <translation>开始（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="638" />
      <source>Start a count: everything, bins, categories or chosen parts</source>
      <translation>开始盘点：全部、货位、类别或指定配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="295" />
      <source>Start a stock count (Ctrl+N)</source>
      <translation>开始库存盘点（Ctrl+N）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="213" />
      <source>Start again</source>
      <translation>重新开始</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="256" />
      <source>Start of the working day the appointment calendar counts capacity from.</source>
      <translation>工作日的开始时间，预约日程从此时起计算可用产能。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/labels.py" line="103" />
      <source>Start position {start} is not on a {columns} x {rows} sheet: give 1 (the top-left label) to {last} (the bottom-right one), counting along the rows.</source>
      <translation>起始位置 {start} 不在 {columns} x {rows} 的标签纸上：请填写 1（左上角标签）到 {last}（右下角标签），按行依次计数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="310" />
      <source>Start the clock on the selected labour line</source>
      <translation>在所选工时项目上开工</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="71" />
      <source>Started</source>
      <translation>开始时间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="171" />
      <source>State</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="64" />
      <source>Statement of account</source>
      <translation>对账单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="263" />
      <source>Statement of {customer} (#{id}) on {day}: {count} open item(s), total due {amount} {currency}; written to {out}</source>
      <translation>{customer}（#{id}）截至 {day} 的对账单：{count} 笔未结款项，应付合计 {amount} {currency}；已写入 {out}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="425" />
      <source>Statement written to {0}</source>
      <translation>对账单已保存到 {0}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="114" />
      <source>Statement {customer} {date}</source>
      <translation>对账单 {customer} {date}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="95" />
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_reports_view.py" line="166" />
      <source>Status now</source>
      <translation>当前状态</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="247" />
      <source>Status: one of {statuses}.</source>
      <translation>状态须为以下之一：{statuses}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="196" />
      <source>Still expected from open purchase orders (draft, sent, partly received)</source>
      <translation>未结采购单（草稿、已发送、部分收货）中尚待到货的数量</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="778" />
      <source>Still loading the checklist…</source>
      <translation>仍在加载检查清单…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="660" />
      <source>Still loading the labour classes…</source>
      <translation>仍在加载工时类别…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="626" />
      <source>Still owed: {parts}.</source>
      <translation>尚欠：{parts}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="338" />
      <source>Still searching: press Enter again once the list shows the order.</source>
      <translation>仍在搜索：列表中出现该订单后，请再按一次 Enter。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="211" />
      <source>Still to pay: {amount}.</source>
      <translation>尚欠：{amount}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="73" />
      <source>Stoc&amp;k</source>
      <translation>库存(&amp;K)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="208" />
      <source>Stoc&amp;k ({low})</source>
      <translation>库存（{low}）(&amp;K)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="162" />
      <source>Stock</source>
      <translation>库存</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/first_run.py" line="45" />
      <source>Stock adjustments</source>
      <translation>库存调整</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="240" />
      <source>Stock adjustments that need a manager (minor units)</source>
      <translation>需经理批准的库存调整金额（最小货币单位）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/shrinkage.py" line="88" />
      <source>Stock adjustments that took stock off the books or put it on, at cost ({currency}); below zero a loss. Net {net}: normal {normal}, abnormal {abnormal}.</source>
      <translation>从账面扣减或增加库存的库存调整，按成本计（{currency}）；负数为损失。净额 {net}：正常 {normal}，异常 {abnormal}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_reports_view.py" line="229" />
      <source>Stock as of {day} worth {total} {cur} at cost in {categories} categories; dead stock (no sale in {months} months): {dead} parts worth {dead_value} {cur}; slow movers: {slow} parts.</source>
      <translation>截至 {day}，库存按成本计价值 {total} {cur}，分布在 {categories} 个类别中；呆滞库存（{months} 个月无销售）：{dead} 种配件，价值 {dead_value} {cur}；滞销件：{slow} 种配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/first_run.py" line="44" />
      <source>Stock counts</source>
      <translation>库存盘点</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="657" />
      <source>Stock counts — scan a count sheet's number to open its count</source>
      <translation>库存盘点 — 扫描盘点表编号即可打开对应盘点</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="880" />
      <source>Stock list</source>
      <translation>库存列表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/stock_reports.py" line="55" />
      <source>Stock report</source>
      <translation>库存报表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/stock_reports.py" line="82" />
      <source>Stock report {date}</source>
      <translation>库存报表 {date}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_reports_view.py" line="269" />
      <source>Stock report {day}</source>
      <translation>库存报表 {day}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_reports_view.py" line="145" />
      <source>Stock value</source>
      <translation>库存价值</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/stock_reports.py" line="65" />
      <source>Stock value {currency}</source>
      <translation>库存金额 {currency}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="311" />
      <source>Stop your clock</source>
      <translation>停止您的工时计时</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/tasks.py" line="242" />
      <source>Stopping…</source>
      <translation>正在停止…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="25" />
      <source>Storekeeper</source>
      <translation>库管员</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="95" />
      <source>Sublet</source>
      <translation>外协</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="922" />
      <source>Sublet (work done by another shop)</source>
      <translation>外协（由其他店完成的工作）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_documents.py" line="43" />
      <source>Sublet and other</source>
      <translation>外协及其他</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="44" />
      <source>Summary</source>
      <translation>摘要</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/part_numbers.py" line="14" />
      <source>Superseded number</source>
      <translation>旧编号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/purchase_order.py" line="58" />
      <source>Supplier</source>
      <translation>供应商</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="104" />
      <source>Supplier price of {part} (F4)</source>
      <translation>{part} 的供应商价格（F4）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/adjustments.py" line="48" />
      <source>Supplier short-ship</source>
      <translation>供应商少发货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="59" />
      <source>Supplier {name}</source>
      <translation>供应商 {name}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="291" />
      <source>Supplier's no.</source>
      <translation>供应商编号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="365" />
      <source>Supplier's part number</source>
      <translation>供应商配件编号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="882" />
      <source>Suppliers</source>
      <translation>供应商</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_care.py" line="121" />
      <source>Survey (1 very unhappy … 5 very happy)</source>
      <translation>满意度调查（1 非常不满意 … 5 非常满意）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="419" />
      <source>Survey answers are pairs of (question, score).</source>
      <translation>满意度调查答案须为（问题，分数）对。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="491" />
      <source>Survey answers are recorded only when the customer was reached.</source>
      <translation>只有联系上客户时才记录满意度调查答案。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="185" />
      <source>Survey questions</source>
      <translation>满意度调查问题</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="236" />
      <source>Suspected double scan within (milliseconds)</source>
      <translation>疑似重复扫描的判定间隔（毫秒）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/login.py" line="62" />
      <source>Switch user</source>
      <translation>切换用户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="235" />
      <source>Tab</source>
      <translation>Tab</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="302" />
      <source>Tab or Enter</source>
      <translation>Tab 或 Enter</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="38" />
      <source>Tags</source>
      <translation>标签</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="252" />
      <source>Take &amp;payment…</source>
      <translation>收款…(&amp;P)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="174" />
      <source>Take back (Enter)</source>
      <translation>退货（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="701" />
      <source>Take back your last scan, typed total or link</source>
      <translation>撤销上一次扫码、输入的总数或关联</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="492" />
      <source>Take goods back against a receipt or invoice: scan it or search</source>
      <translation>凭小票或发票退货：扫描单据或搜索</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="98" />
      <source>Take payment (Enter)</source>
      <translation>收款（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="490" />
      <source>Take the payment and complete the sale</source>
      <translation>收款并完成销售</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="190" />
      <source>Take the selected line off</source>
      <translation>删除所选行</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="303" />
      <source>Take the selected line off the order, with a reason</source>
      <translation>从工单中删除所选项目，需填写原因</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="310" />
      <source>Take the selected line off this draft</source>
      <translation>从此草稿中删除所选行</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/pick_list.py" line="148" />
      <source>Taken</source>
      <translation>下单时间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/pick_list.py" line="150" />
      <source>Taken by</source>
      <translation>接单人</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="152" />
      <source>Tax</source>
      <translation>税</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="31" />
      <source>Tax ID</source>
      <translation>税号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/base.py" line="164" />
      <source>Tax ID {tax_id}</source>
      <translation>税号 {tax_id}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="305" />
      <source>Tax ID: none given</source>
      <translation>税号：未提供</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="152" />
      <source>Tax by rate (sales less returns)</source>
      <translation>按税率统计的税（销售减退货）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="97" />
      <source>Tax rate</source>
      <translation>税率</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="106" />
      <source>Tax {currency}</source>
      <translation>税 {currency}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="236" />
      <source>Tax {rate} on {net}</source>
      <translation>税 {rate}（计税金额 {net}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="27" />
      <source>Technician</source>
      <translation>技师</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_reports_view.py" line="197" />
      <source>Technician productivity</source>
      <translation>技师工效</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="61" />
      <source>Technician productivity (orders delivered in the period)</source>
      <translation>技师工效（本期已交车的工单）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="514" />
      <source>Technician's notes</source>
      <translation>技师备注</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/base.py" line="163" />
      <source>Tel. {phone}</source>
      <translation>电话 {phone}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/tender_dialog.py" line="77" />
      <source>Tender</source>
      <translation>收款</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="1157" />
      <source>Tender opens as soon as the cart is priced… (Esc: not now)</source>
      <translation>购物车计价完成后即打开收款窗口…（Esc：暂不收款）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="163" />
      <source>Terminal</source>
      <translation>收银台</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="55" />
      <source>Terminal {terminal}</source>
      <translation>收银台 {terminal}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="63" />
      <source>Terms</source>
      <translation>付款条件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="226" />
      <source>Test connection (Ctrl+T)</source>
      <translation>测试连接（Ctrl+T）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/complaints.py" line="28" />
      <source>Text message</source>
      <translation>短信</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="510" />
      <source>That appointment is not waiting for its car any more (already checked in, cancelled or a no-show).</source>
      <translation>该预约已不在等待车辆到店（已接车、已取消或已爽约）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="519" />
      <source>That call task is already {status}.</source>
      <translation>该回访任务当前已为{status}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="517" />
      <source>That call task is not this customer's.</source>
      <translation>该回访任务不属于此客户。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="710" />
      <source>That canned job has no lines.</source>
      <translation>该标准套餐没有任何项目。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="748" />
      <source>That earlier line is not under warranty for similar work on this vehicle.</source>
      <translation>该以往工单项目不在此车辆类似施工的质保期内。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="356" />
      <source>That line is not on repair order {number} (it may have been removed).</source>
      <translation>该项目不在维修工单 {number} 上（可能已被删除）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/sales.py" line="359" />
      <source>That parked sale is not parked any more (recalled at another counter?).</source>
      <translation>该挂起的销售已不再挂起（可能已在其他柜台取单？）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/sales.py" line="287" />
      <source>That part is not in the catalogue.</source>
      <translation>该配件不在配件目录中。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="437" />
      <source>That quantity is too large to be a count; check what was typed.</source>
      <translation>该数量过大，不可能是盘点数量；请检查输入内容。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/adjustments.py" line="199" />
      <source>That quantity is too large to be an adjustment; check what was typed.</source>
      <translation>该数量过大，不可能是调整数量；请检查输入内容。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/adjustments.py" line="239" />
      <source>That quantity is too large to release; check what was typed.</source>
      <translation>该数量过大，无法解除隔离；请检查输入内容。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="402" />
      <source>That supplier has no price for this part.</source>
      <translation>该供应商没有此配件的报价。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="505" />
      <source>That time has passed: an appointment is booked for now or later.</source>
      <translation>该时间已过：预约只能定在现在或以后。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="129" />
      <source>That vehicle is not in the customer file.</source>
      <translation>该车辆不在客户档案中。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="495" />
      <source>That vehicle is not this customer's: choose one of theirs, or describe the car.</source>
      <translation>该车辆不属于此客户：请选择其名下的车辆，或描述该车辆。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/vehicles.py" line="141" />
      <source>The 10th character {character!r} is not a model year code.</source>
      <translation>第 10 位字符 {character!r} 不是有效的年款代码。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/first_run.py" line="112" />
      <source>The VAT rate has at most two decimals, like 6.25.</source>
      <translation>增值税税率最多两位小数，例如 6.25。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/first_run.py" line="109" />
      <source>The VAT rate is a percentage from 0 to 100, like 13 or 6.5.</source>
      <translation>增值税税率为 0 到 100 之间的百分数，例如 13 或 6.5。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/vehicles.py" line="133" />
      <source>The VIN's check digit (9th character) should be {expected}, not {given}: a character may be mistyped.</source>
      <translation>VIN 的校验位（第 9 位）应为 {expected}，而不是 {given}：可能有字符输入错误。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/vehicles.py" line="136" />
      <source>The VIN's check digit (9th character) should be {expected}, not {given}: a character may be mistyped. Vehicles made for Europe may not use a check digit; check it against the car.</source>
      <translation>VIN 的校验位（第 9 位）应为 {expected}，而不是 {given}：可能有字符输入错误。面向欧洲市场的车辆可能不使用校验位；请与车辆上的 VIN 核对。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="219" />
      <source>The X report is hidden while you count; F5 shows it again.</source>
      <translation>清点期间不显示X报表；按 F5 重新显示。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="339" />
      <source>The X report was not printed: {error} Press Ctrl+P to try again.</source>
      <translation>X报表未打印：{error} 请按 Ctrl+P 重试。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/adjustments.py" line="159" />
      <source>The adjustment is worth {value} at cost (above {limit}). {denied}</source>
      <translation>此次库存调整按成本计为 {value}（超过 {limit}）。{denied}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="290" />
      <source>The administrator adds the other users and may do everything. You log in with the password; the PIN switches users quickly (Ctrl+L). Keep both safe.</source>
      <translation>管理员负责添加其他用户，拥有全部权限。登录时使用密码；PIN码用于快速切换用户（Ctrl+L）。请妥善保管两者。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="393" />
      <source>The amount is a whole number of minor units.</source>
      <translation>金额须为最小货币单位的整数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="256" />
      <source>The amount spent is a whole number of minor units.</source>
      <translation>消费金额须为最小货币单位的整数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="327" />
      <source>The amount to check is a whole number of minor units, 0 or more.</source>
      <translation>要检查的金额须为最小货币单位的整数，且不小于 0。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="408" />
      <source>The automatic backup failed: {error}</source>
      <translation>自动备份失败：{error}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/backup.py" line="259" />
      <source>The backup copy of {path} failed its integrity check ({detail}), so it was not kept. The database itself is probably damaged: run 'partsdesk check', and restore the newest good backup if it reports damage.</source>
      <translation>{path} 的备份未通过完整性校验（{detail}），因此未保留。数据库本身可能已损坏：请运行 'partsdesk check'，如报告损坏，请恢复最新的完好备份。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="487" />
      <source>The backup made when closing failed:
{error}

Close anyway?</source>
      <translation>关闭时的备份失败：
{error}

仍然关闭吗？</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="437" />
      <source>The backup was restored. The replaced database was kept as
{kept}

Please log in again.</source>
      <translation>备份已恢复。被替换的数据库已保留为
{kept}

请重新登录。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/backup.py" line="360" />
      <source>The backup {file} cannot be read ({detail}). Nothing was changed; try an older backup.</source>
      <translation>无法读取备份 {file}（{detail}）。未做任何更改；请尝试更早的备份。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/backup.py" line="358" />
      <source>The backup {file} is damaged ({detail}). Nothing was changed; try an older backup.</source>
      <translation>备份 {file} 已损坏（{detail}）。未做任何更改；请尝试更早的备份。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/gtin.py" line="43" />
      <source>The barcode is empty.</source>
      <translation>条码为空。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/labels.py" line="121" />
      <source>The barcode {code} of part {number} is too long to print readably on a {width:g} mm wide label ({layout}): choose a layout with wider labels, or give the part a shorter shop code. No labels were printed.</source>
      <translation>配件 {number} 的条码 {code} 太长，无法清晰地打印在 {width:g} mm 宽的标签上（{layout}）：请选择标签更宽的版式，或为该配件设置更短的门店自编码。未打印任何标签。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="555" />
      <source>The call was recorded.</source>
      <translation>回访已记录。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="504" />
      <source>The call-back day is today or later.</source>
      <translation>回电日期须为今天或以后。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="575" />
      <source>The canned job {code} ({name}) is inactive. Reactivate it in the workshop set-up.</source>
      <translation>标准套餐 {code}（{name}）已停用。请在车间设置中重新启用。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="583" />
      <source>The canned job {code} uses the labour class {labour_class}, which is inactive. Change the canned job in the workshop set-up.</source>
      <translation>标准套餐 {code} 使用的工时类别 {labour_class} 已停用。请在车间设置中修改该标准套餐。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="580" />
      <source>The canned job {code} uses the part {part}, which is inactive. Change the canned job in the workshop set-up.</source>
      <translation>标准套餐 {code} 使用的配件 {part} 已停用。请在车间设置中修改该标准套餐。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="365" />
      <source>The canned job(s) {jobs} use {name}: change them or deactivate them first.</source>
      <translation>标准套餐 {jobs} 使用了 {name}：请先修改或停用这些标准套餐。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1015" />
      <source>The car is back within the warranty of similar work: choose the job it comes back for.</source>
      <translation>该车在类似施工的质保期内返厂：请选择其返修对应的工单项目。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="421" />
      <source>The car is here: check it in (a booked appointment of today)</source>
      <translation>车辆已到店：办理接车（今天已有的预约）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="874" />
      <source>The cart cannot be priced: {error}</source>
      <translation>购物车无法计价：{error}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="1153" />
      <source>The cart is empty: scan or search (F2) a part first.</source>
      <translation>购物车为空：请先扫码或搜索（F2）配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/sales.py" line="153" />
      <source>The cart is empty: scan or search a part first.</source>
      <translation>购物车为空：请先扫码或搜索配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="733" />
      <source>The cart is empty: there is no sale to void.</source>
      <translation>购物车为空：没有可作废的销售。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/sales.py" line="324" />
      <source>The cart is empty: there is nothing to park.</source>
      <translation>购物车为空：没有可挂起的销售。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1437" />
      <source>The chosen document</source>
      <translation>所选单据</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="207" />
      <source>The code {code} is taken by the {what} {name} (inactive: reactivate it instead).</source>
      <translation>代码 {code} 已被{what} {name} 使用（已停用：请改为重新启用它）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="206" />
      <source>The code {code} is taken by the {what} {name}.</source>
      <translation>代码 {code} 已被{what} {name} 使用。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="232" />
      <source>The code {expected} arrived without its check digit (as {got}): turn on “transmit check digit” for EAN/UPC codes with the code in the scanner's manual.</source>
      <translation>条码 {expected} 读取时缺少校验位（读成 {got}）：请用扫描枪说明书中的设置码为 EAN/UPC 条码开启“传送校验位”。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="235" />
      <source>The currency the shop sells in and the VAT rate new parts get (a part can have its own rate).</source>
      <translation>门店销售使用的币种，以及新配件默认的增值税税率（单个配件可设置自己的税率）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1072" />
      <source>The customer approved this line ({amount}). A change of quantity, price or description makes a new version that needs their authorization again.</source>
      <translation>客户已同意此项目（{amount}）。修改数量、价格或描述会生成新版本，需要客户重新授权。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="453" />
      <source>The customer authorized {amount} (version {version}); now {current}.</source>
      <translation>客户授权金额为 {amount}（版本 {version}）；当前为 {current}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="423" />
      <source>The customer did not come (once the time has passed)</source>
      <translation>客户未到店（预约时间过后）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="726" />
      <source>The customer's answer is recorded for {count} line(s).</source>
      <translation>已记录客户对 {count} 个项目的答复。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="261" />
      <source>The customer's concern</source>
      <translation>客户陈述</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="425" />
      <source>The customer's concern, in their words</source>
      <translation>客户陈述（客户原话）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="140" />
      <source>The customer's copy of everything the shop holds about them (JSON and PDF)</source>
      <translation>门店所存该客户全部信息的副本，供客户留存（JSON 和 PDF）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1120" />
      <source>The customer's words</source>
      <translation>客户原话</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="308" />
      <source>The customer's yes or no to the lines</source>
      <translation>客户对各项目的同意或拒绝</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="404" />
      <source>The daily upkeep of the customer file failed: {error}</source>
      <translation>客户档案的每日维护失败：{error}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="402" />
      <source>The database change applies when PartsDesk starts again on this PC.</source>
      <translation>数据库更改将在本机重新启动 PartsDesk 后生效。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/models/db.py" line="128" />
      <source>The database {path} is on a network share ({share}). SQLite corrupts files shared over a network. Keep the file on this PC's own disk, or let every terminal use one PostgreSQL server on the shop network (--db postgresql://…).</source>
      <translation>数据库 {path} 位于网络共享上（{share}）。SQLite 文件通过网络共享会损坏。请将文件放在本机自己的磁盘上，或让所有收银台使用门店网络中的同一台 PostgreSQL 服务器（--db postgresql://…）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="78" />
      <source>The day is closed and its Z report saved</source>
      <translation>已日结，Z报表已保存</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/reminders.py" line="304" />
      <source>The day it was done is today or earlier.</source>
      <translation>完成日期须为今天或更早。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="158" />
      <source>The day so far; closes nothing</source>
      <translation>当天截至目前的情况；不做日结</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="291" />
      <source>The day was not closed.</source>
      <translation>未日结。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="223" />
      <source>The default rate of a quote's labour line, taxed at the default tax rate. 15000 = 150.00 an hour</source>
      <translation>报价单工时项目的默认费率，按默认税率计税。15000 = 每小时 150.00</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="211" />
      <source>The document could not be read for printing ({error}).</source>
      <translation>无法读取单据进行打印（{error}）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="86" />
      <source>The document is saved</source>
      <translation>单据已保存</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="671" />
      <source>The file is empty.</source>
      <translation>文件为空。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="246" />
      <source>The file is neither UTF-8 nor GBK text. Save it from your spreadsheet as "CSV UTF-8" or as an .xlsx workbook and import that.</source>
      <translation>该文件既不是 UTF-8 也不是 GBK 文本。请在电子表格软件中另存为“CSV UTF-8”或 .xlsx 工作簿，再导入。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="525" />
      <source>The first free label on a part-used sheet: 1 is the top left, counting along the rows</source>
      <translation>已用过部分的标签纸上第一个空白标签：1 为左上角，按行依次计数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_io_dialogs.py" line="123" />
      <source>The first {shown} of {count} problems are listed.</source>
      <translation>共 {count} 个问题，此处列出前 {shown} 个。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="249" />
      <source>The folder {folder} does not exist; nothing was written.</source>
      <translation>文件夹 {folder} 不存在；未写入任何内容。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/help_dialog.py" line="258" />
      <source>The keys that work now on the {tab} tab. The buttons show their key too; hold the mouse over a button for more.</source>
      <translation>“{tab}”页当前可用的快捷键。按钮上也显示其快捷键；将鼠标停在按钮上可查看更多说明。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/labels.py" line="88" />
      <source>The labels do not fit the {page_width} x {page_height} mm page: {columns} x {rows} labels of {width} x {height} mm with these margins and gaps run over its edge. Make the margins or gaps smaller.</source>
      <translation>标签超出 {page_width} x {page_height} mm 的页面：按当前页边距和间距，{columns} x {rows} 个 {width} x {height} mm 的标签会超出页面边缘。请减小页边距或间距。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="310" />
      <source>The labels this PC prints on: chosen first in the Labels view, at receiving and by partsdesk labels; another can still be chosen for each print.</source>
      <translation>本机打印所用的标签：在“标签”页、收货时以及 partsdesk labels 命令中默认选用；每次打印仍可另选。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="690" />
      <source>The labels were not printed: {error}</source>
      <translation>标签未打印：{error}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="684" />
      <source>The labels were not saved to {path}: {error}.</source>
      <translation>标签未保存到 {path}：{error}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="272" />
      <source>The language is saved: PartsDesk opens in {language} when it is started again. The window stays as it is while a sale is on the counter.</source>
      <translation>语言已保存：PartsDesk 下次启动时将以{language}显示。柜台有销售进行时，窗口保持不变。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_reports.py" line="375" />
      <source>The last day comes before the first: swap them.</source>
      <translation>结束日期早于开始日期：请对调。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/adjustments.py" line="282" />
      <source>The last day comes on or after the first day.</source>
      <translation>结束日期须不早于开始日期。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/customers.py" line="574" />
      <source>The last reading was {km:,} km; a lower one needs a reason and a manager's approval.</source>
      <translation>上次读数为 {km:,} km；更低的读数需要填写原因并经经理批准。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/labels.py" line="189" />
      <source>The layout {layout} needs its measurements: {measurements}.</source>
      <translation>版式 {layout} 需要填写尺寸：{measurements}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/care_lists.py" line="109" />
      <source>The list shown, for text messages (offers only to customers who agreed)</source>
      <translation>当前显示的名单，用于发送短信（优惠信息只发给已同意的客户）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/first_run.py" line="166" />
      <source>The logo is larger than {megabytes} MB; save a smaller image.</source>
      <translation>标志图片大于 {megabytes} MB；请保存一张更小的图片。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/first_run.py" line="169" />
      <source>The logo must be a PNG or JPEG image.</source>
      <translation>标志必须是 PNG 或 JPEG 图片。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="343" />
      <source>The maker of a number is at most {most} characters.</source>
      <translation>编号的厂商最多 {most} 个字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="313" />
      <source>The mapping file must be one JSON object like {example}.</source>
      <translation>映射文件必须是一个 JSON 对象，例如 {example}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="342" />
      <source>The mapping file names column {theirs!r} for {ours!r}, but the file has no such column.</source>
      <translation>映射文件为 {ours!r} 指定了列 {theirs!r}，但文件中没有该列。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="317" />
      <source>The mapping file names unknown field(s): {unknown}. Known fields: {known}.</source>
      <translation>映射文件中有未知字段：{unknown}。已知字段：{known}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="309" />
      <source>The mapping file {file} is not valid JSON (line {line}): {reason}.</source>
      <translation>映射文件 {file} 不是有效的 JSON（第 {line} 行）：{reason}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/labels.py" line="165" />
      <source>The margins and gaps leave no room for {columns} x {rows} labels on a 210 x 297 mm page: make them smaller.</source>
      <translation>按当前页边距和间距，210 x 297 mm 的页面放不下 {columns} x {rows} 个标签：请减小页边距和间距。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/users.py" line="74" />
      <source>The name shown on screen is 1 to {count} characters.</source>
      <translation>显示名称须为 1 到 {count} 个字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/complaints_register.py" line="196" />
      <source>The newest {count} complaints: narrow the filters to see older ones</source>
      <translation>最新的 {count} 条投诉：缩小筛选范围可查看更早的投诉</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="389" />
      <source>The next day (or week)</source>
      <translation>下一天（或下一周）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="369" />
      <source>The next page of this supplier's suggestions</source>
      <translation>该供应商补货建议的下一页</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="527" />
      <source>The note</source>
      <translation>备注</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/sales.py" line="158" />
      <source>The note is at most {count} characters.</source>
      <translation>备注最多 {count} 个字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/adjustments.py" line="124" />
      <source>The note is at most {most} characters.</source>
      <translation>备注最多 {most} 个字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1145" />
      <source>The odometer was {km:,} km at check-in: it cannot be lower now.</source>
      <translation>接车时里程表读数为 {km:,} km：现在的读数不能更低。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1397" />
      <source>The odometer was {km} km at check-in: it cannot be lower now.</source>
      <translation>接车时里程表读数为 {km} km：现在的读数不能更低。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/orders.py" line="173" />
      <source>The order is empty: scan or search the parts the customer wants first.</source>
      <translation>订单为空：请先扫码或搜索客户需要的配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="77" />
      <source>The order is saved</source>
      <translation>订单已保存</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="486" />
      <source>The outcome is one of: {outcomes}.</source>
      <translation>结果须为以下之一：{outcomes}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/accounts.py" line="60" />
      <source>The overdue share is at most 100 %.</source>
      <translation>逾期比例最高为 100 %。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="191" />
      <source>The part number needs at least one letter or digit.</source>
      <translation>配件编号至少需要一个字母或数字。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="345" />
      <source>The part's own number is the Part number field; list other numbers as OE, interchange or superseded.</source>
      <translation>配件本身的编号填在“配件编号”字段中；其他编号请列为 OE号、互换号或旧编号。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="244" />
      <source>The parts that make the first 80 % of 12 months' consumption value at cost are class A. 8000 = 80 %</source>
      <translation>按成本计，占 12 个月用量金额前 80 % 的配件为 A 类。8000 = 80 %</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/complaints.py" line="523" />
      <source>The period ends before it starts.</source>
      <translation>期间的结束日期早于开始日期。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="527" />
      <source>The personal data of customer #{0} was erased.</source>
      <translation>客户 #{0} 的个人信息已清除。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="387" />
      <source>The previous day (or week)</source>
      <translation>前一天（或前一周）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="367" />
      <source>The previous page of this supplier's suggestions</source>
      <translation>该供应商补货建议的上一页</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="342" />
      <source>The price {price} is below the cost {cost}: a manager must approve it.</source>
      <translation>价格 {price} 低于成本 {cost}：须经理批准。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/quote.py" line="180" />
      <source>The prices below hold until {date} (the last valid day); after that they are re-priced at the prices of the day.</source>
      <translation>以下价格有效期至 {date}（最后有效日）；此后按当日价格重新计价。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="262" />
      <source>The printer did not finish the job.</source>
      <translation>打印机未完成打印任务。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="252" />
      <source>The printer stopped after page {page}.</source>
      <translation>打印机在第 {page} 页后停止。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="246" />
      <source>The printer {name} could not be started (is it switched on, connected and ready?).</source>
      <translation>打印机{name}无法启动（请检查是否已开机、已连接并就绪）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="181" />
      <source>The printer “{name}” set for {kind}s on this PC ({setting}) was not found. {listed}</source>
      <translation>未找到本机为{kind}设置的打印机“{name}”（{setting}）。{listed}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="301" />
      <source>The printer's name as the system knows it; empty: the system's default printer.</source>
      <translation>系统中的打印机名称；留空：使用系统默认打印机。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="313" />
      <source>The printer's name as the system knows it; empty: the system's default printer. Label sheets (A4) print on the A4 printer.</source>
      <translation>系统中的打印机名称；留空：使用系统默认打印机。标签纸（A4）在 A4 打印机上打印。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="532" />
      <source>The promised time is in the past.</source>
      <translation>承诺交车时间已过。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/adjustments.py" line="68" />
      <source>The quantity is a whole number of thousandths of the part's unit.</source>
      <translation>数量须为配件单位千分之一的整数倍。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/sales.py" line="284" />
      <source>The quantity not available must be more than 0.</source>
      <translation>缺货数量必须大于 0。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="157" />
      <source>The quote cannot be valid until {day}: that day is past (today is {today}).</source>
      <translation>报价单有效期不能设为 {day}：该日期已过（今天是 {today}）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="386" />
      <source>The quote expired on {day}: re-priced at today's {today} (quoted {quoted}).</source>
      <translation>报价单已于 {day} 过期：已按今天的价格 {today} 重新计价（报价为 {quoted}）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="390" />
      <source>The quote expired on {day}: today's price is the same, {today}.</source>
      <translation>报价单已于 {day} 过期：今天的价格相同，为 {today}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="148" />
      <source>The quote has no parts: scan or search the parts first, then add the labour.</source>
      <translation>报价单中没有配件：请先扫码或搜索配件，再添加工时。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="77" />
      <source>The quote is saved</source>
      <translation>报价单已保存</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="381" />
      <source>The quote {number} cannot be sold: {parts} is not for sale any more. Make a new quote without it.</source>
      <translation>报价单 {number} 无法销售：{parts} 已停售。请另开一张不含它的报价单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="509" />
      <source>The quote {number} is cancelled already.</source>
      <translation>报价单 {number} 已取消。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="291" />
      <source>The quote {number} was already sold as {sale} on {day:%Y-%m-%d}: it cannot be sold again.</source>
      <translation>报价单 {number} 已于 {day:%Y-%m-%d} 转为销售 {sale}：不能再次销售。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="294" />
      <source>The quote {number} was already sold as {sale}: it cannot be sold again.</source>
      <translation>报价单 {number} 已转为销售 {sale}：不能再次销售。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="296" />
      <source>The quote {number} was cancelled: it cannot be sold.</source>
      <translation>报价单 {number} 已取消：无法销售。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="643" />
      <source>The reason</source>
      <translation>原因</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/users.py" line="247" />
      <source>The reason is at most 500 characters.</source>
      <translation>原因最多 500 个字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="126" />
      <source>The reason is at most {most} characters.</source>
      <translation>原因最多 {most} 个字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="304" />
      <source>The receipt printer's roll: 80 mm (72 mm printed) or 58 mm (48 mm printed). Receipts and X and Z reports are laid out for it.</source>
      <translation>小票打印机的纸卷：80 mm（打印宽度 72 mm）或 58 mm（打印宽度 48 mm）。小票以及 X、Z 报表按此排版。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/orders.py" line="187" />
      <source>The reference is at most {most} characters.</source>
      <translation>参考号最多 {most} 个字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="80" />
      <source>The repair order is saved; press Ctrl+P in the order's window to print it again.</source>
      <translation>维修工单已保存；可在工单窗口中按 Ctrl+P 重新打印。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/complaints_register.py" line="61" />
      <source>The report could not be saved to {target}: {error}. Choose another folder.</source>
      <translation>报表无法保存到 {target}：{error}。请选择其他文件夹。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="559" />
      <source>The report was not printed: {error}</source>
      <translation>报表未打印：{error}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="552" />
      <source>The report was not saved to {path}: {error}.</source>
      <translation>报表未保存到 {path}：{error}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/complaints_register.py" line="249" />
      <source>The report was saved to {path}.</source>
      <translation>报表已保存到 {path}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_reports_view.py" line="211" />
      <source>The report's day cannot be in the future: choose today or an earlier day.</source>
      <translation>报表日期不能是将来：请选择今天或更早的日期。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/complaints_register.py" line="233" />
      <source>The report's period ends before it starts.</source>
      <translation>报表期间的结束日期早于开始日期。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="316" />
      <source>The rest of this order is no longer coming</source>
      <translation>此采购单的剩余部分不会再到货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="247" />
      <source>The rest, and parts that did not sell, are class C. 1500 = 15 %</source>
      <translation>其余配件以及没有销售的配件为 C 类。1500 = 15 %</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/users.py" line="77" />
      <source>The role is one of: {roles}.</source>
      <translation>角色须为以下之一：{roles}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="76" />
      <source>The sale is saved</source>
      <translation>销售已保存</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="576" />
      <source>The same code again within {ms:.0f} ms: counted — undo (Ctrl+Z) if the scanner read it twice.</source>
      <translation>{ms:.0f} 毫秒内再次扫到相同条码：已计数 — 如果扫描枪重复读取，请撤销（Ctrl+Z）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="237" />
      <source>The same code scanned again by the same counter this soon is counted but flagged, so the counter can undo it (Ctrl+Z).</source>
      <translation>同一盘点人员在此时间内再次扫到相同条码时，仍会计数但会加以提示，以便盘点人员撤销（Ctrl+Z）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="746" />
      <source>The same part ({brand} {number}) is on rows {first} and {second}; keep one row per part.</source>
      <translation>同一配件（{brand} {number}）出现在第 {first} 行和第 {second} 行；每个配件只保留一行。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="241" />
      <source>The scanner adds {added} each code ({arrived}): turn off its prefix, suffix or “AIM code ID” with the code in its manual (keep only Enter after the code).</source>
      <translation>扫描枪在每个条码上附加了 {added}（{arrived}）：请用其说明书中的设置码关闭前缀、后缀或“AIM 码标识”（只保留条码后的 Enter）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="191" />
      <source>The scanner ended some codes with Enter, others with Tab or nothing. Set it to send Enter after every code (the “Enter” or “CR suffix” code in its manual), then run this set-up again.</source>
      <translation>扫描枪有些条码以 Enter 结尾，有些以 Tab 结尾或没有结束符。请将其设为在每个条码后发送 Enter（说明书中的“Enter”或“CR 后缀”设置码），然后重新运行本设置。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="186" />
      <source>The scanner sends no key after a code, so PartsDesk cannot tell a scan from typing. Set it to send Enter after each code (the “Enter” or “CR suffix” code in its manual), then run this set-up again.</source>
      <translation>扫描枪在条码后不发送任何按键，因此 PartsDesk 无法区分扫描和键盘输入。请将其设为在每个条码后发送 Enter（说明书中的“Enter”或“CR 后缀”设置码），然后重新运行本设置。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="215" />
      <source>The scanner types for a US keyboard but this PC's keyboard layout is {layout}: {hint} ({arrived}). Set the scanner's keyboard country to {country} with the code in its manual, or switch this PC's keyboard layout to English (US).</source>
      <translation>扫描枪按美式键盘输入，但本机的键盘布局是 {layout}：{hint}（{arrived}）。请用扫描枪说明书中的设置码将其键盘国家设为 {country}，或将本机键盘布局切换为英语（美国）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="166" />
      <source>The scanner types slowly (up to {slowest} ms between keys): PartsDesk could not tell its codes from quick typing. Set the scanner's keyboard speed faster (its “inter-character delay” to none) with the code in its manual, or connect it by USB cable rather than Bluetooth, then run this set-up again.</source>
      <translation>扫描枪输入较慢（按键间隔最长 {slowest} 毫秒）：PartsDesk 无法区分其条码和快速键盘输入。请用说明书中的设置码提高扫描枪的键盘速度（将“字符间延迟”设为无），或改用 USB 线而不是蓝牙连接，然后重新运行本设置。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/login.py" line="76" />
      <source>The screen is locked. Choose your name and type your PIN to go on.</source>
      <translation>屏幕已锁定。请选择您的姓名并输入PIN码以继续。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="230" />
      <source>The selected service was done; the next one follows by its interval</source>
      <translation>所选保养项目已完成；下一次按保养间隔顺延</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/backup.py" line="397" />
      <source>The shop database {path} is still open in another PartsDesk window or program. Close it there (on this PC) and restore again. Nothing was changed.</source>
      <translation>门店数据库 {path} 仍在另一个 PartsDesk 窗口或程序中打开。请（在本机上）将其关闭后再恢复。未做任何更改。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="673" />
      <source>The shop has no canned jobs: set them up in the workshop set-up.</source>
      <translation>门店还没有标准套餐：请在车间设置中添加。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="62" />
      <source>The statement could not be written to {path}: {error}. Choose another folder or file name.</source>
      <translation>对账单无法写入 {path}：{error}。请选择其他文件夹或文件名。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_reports_view.py" line="172" />
      <source>The stock report shows values at cost: your role may not see cost prices. Ask a manager or the storekeeper.</source>
      <translation>库存报表按成本显示金额：您的角色无权查看成本价。请联系经理或库管员。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="172" />
      <source>The two entries of the {what} differ; nothing was changed.</source>
      <translation>两次输入的{what}不一致；未做任何更改。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/login.py" line="253" />
      <source>The two passwords differ.</source>
      <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/first_run.py" line="222" />
      <source>The two passwords differ; type the same password twice.</source>
      <translation>两次输入的密码不一致；请输入两次相同的密码。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="465" />
      <source>The vehicle was added.</source>
      <translation>车辆已添加。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="726" />
      <source>The void was not recorded: {error}</source>
      <translation>作废未记录：{error}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="317" />
      <source>The work is done: the quality check</source>
      <translation>施工已完成：进行质检</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_reports_view.py" line="226" />
      <source>The workshop reports are for managers: ask one to open them.</source>
      <translation>车间报表仅供经理查看：请联系经理打开。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="205" />
      <source>The {count:,} invalid row(s) were skipped.</source>
      <translation>已跳过 {count:,} 个无效行。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="390" />
      <source>The {kind} {number} cannot be previewed: {error} {hint}</source>
      <translation>{kind} {number} 无法预览：{error} {hint}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="158" />
      <source>The {kind} {number} could not be made ready to print ({error}). {hint}</source>
      <translation>{kind} {number} 无法生成打印文件（{error}）。{hint}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="412" />
      <source>The {kind} {number} was not printed ({error}). {hint}</source>
      <translation>{kind} {number} 未打印（{error}）。{hint}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="377" />
      <source>The {kind} {number} was not printed: {error} {hint}</source>
      <translation>{kind} {number} 未打印：{error} {hint}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="406" />
      <source>The {kind} {number} was not saved to {path}: {error}. {hint}</source>
      <translation>{kind} {number} 未保存到 {path}：{error}。{hint}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="557" />
      <source>The {task} is done.</source>
      <translation>{task}已完成。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="345" />
      <source>The {what} was not printed: {error}</source>
      <translation>{what}未打印：{error}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="341" />
      <source>The {what} was not saved to {path}: {error}.</source>
      <translation>{what}未保存到 {path}：{error}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="336" />
      <source>The {what} was printed ({pages} pages).</source>
      <translation>{what}已打印（{pages} 页）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="343" />
      <source>The {what} was saved to {path}.</source>
      <translation>{what}已保存到 {path}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1433" />
      <source>The {word} of {number} was not printed: {error}</source>
      <translation>{number} 的{word}未打印：{error}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/adjustments.py" line="44" />
      <source>Theft or loss</source>
      <translation>被盗或丢失</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="110" />
      <source>Their part &amp;number</source>
      <translation>对方配件编号(&amp;N)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="192" />
      <source>Their part no.</source>
      <translation>对方配件编号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="118" />
      <source>Then</source>
      <translation>结束符</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/labels.py" line="247" />
      <source>There are no labels to print.</source>
      <translation>没有要打印的标签。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="326" />
      <source>There is already a supplier called {name}.</source>
      <translation>已有名为 {name} 的供应商。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/users.py" line="100" />
      <source>There is already a user named {username}.</source>
      <translation>已有名为 {username} 的用户。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="212" />
      <source>There is already a {what} called {name} (inactive: reactivate it instead).</source>
      <translation>已有名为 {name} 的{what}（已停用：请改为重新启用它）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="211" />
      <source>There is already a {what} called {name}.</source>
      <translation>已有名为 {name} 的{what}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cashup.py" line="646" />
      <source>There is no Z report {number}.</source>
      <translation>没有Z报表 {number}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/backup.py" line="464" />
      <source>There is no backup file {file}. Nothing was changed.</source>
      <translation>没有备份文件 {file}。未做任何更改。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/sale_documents.py" line="247" />
      <source>There is no credit note {number}.</source>
      <translation>没有红字冲销单 {number}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/shop.py" line="77" />
      <source>There is no database file at {url}. PartsDesk creates one there at the next start if the folder can be written.</source>
      <translation>{url} 处没有数据库文件。如果该文件夹可写，PartsDesk 将在下次启动时在此创建。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/first_run.py" line="126" />
      <source>There is no document series {series!r}.</source>
      <translation>没有单据编号系列 {series!r}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/first_run.py" line="164" />
      <source>There is no file {path}.</source>
      <translation>没有文件 {path}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/labels.py" line="180" />
      <source>There is no goods receipt {number}. Check the GR number on the receipt.</source>
      <translation>没有收货单 {number}。请核对收货单上的 GR 编号。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/returns.py" line="135" />
      <source>There is no invoice or receipt {number}.</source>
      <translation>没有发票或小票 {number}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/sale_documents.py" line="266" />
      <source>There is no invoice, receipt or credit note {number}.</source>
      <translation>没有发票、小票或红字冲销单 {number}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/labels.py" line="191" />
      <source>There is no label layout called {name!r}. Choose one of {layouts}.</source>
      <translation>没有名为 {name!r} 的标签版式。请从 {layouts} 中选择。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/orders.py" line="274" />
      <source>There is no order {number}.</source>
      <translation>没有订单 {number}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="247" />
      <source>There is no part {id} in the catalogue. Look the part up again.</source>
      <translation>配件目录中没有配件 {id}。请重新查找该配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="258" />
      <source>There is no purchase order {number}. Check the number.</source>
      <translation>没有采购单 {number}。请核对编号。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="284" />
      <source>There is no quote {number}.</source>
      <translation>没有报价单 {number}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="341" />
      <source>There is no repair order {number}.</source>
      <translation>没有维修工单 {number}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/backup.py" line="251" />
      <source>There is no shop database at {path} to back up.</source>
      <translation>{path} 处没有可备份的门店数据库。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/labels.py" line="202" />
      <source>There is no stock count {number}. Check the count's number.</source>
      <translation>没有盘点 {number}。请核对盘点编号。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="279" />
      <source>There is no stock count {number}. Check the number on the count sheet.</source>
      <translation>没有盘点 {number}。请核对盘点表上的编号。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="240" />
      <source>There is no supplier {id}. Choose one from the list of suppliers.</source>
      <translation>没有供应商 {id}。请从供应商列表中选择。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/users.py" line="120" />
      <source>There is no user named {username!r}.</source>
      <translation>没有名为 {username!r} 的用户。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="221" />
      <source>There is no {what} {id}. Read the list again (F5).</source>
      <translation>没有{what} {id}。请重新载入列表（F5）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_io_dialogs.py" line="110" />
      <source>There is nothing to import.</source>
      <translation>没有可导入的内容。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cashup.py" line="309" />
      <source>There is nothing to void: the cart is empty.</source>
      <translation>没有可作废的内容：购物车为空。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="190" />
      <source>These settings belong to this PC only; each counter PC keeps its own.</source>
      <translation>这些设置仅适用于本机；每台柜台电脑各自保存自己的设置。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="723" />
      <source>They are needed for parts not yet in the catalogue (row(s) {rows}); a file without them can only update known parts.</source>
      <translation>配件目录中尚无的配件需要这些列（第 {rows} 行）；缺少这些列的文件只能更新已有配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/care_lists.py" line="77" />
      <source>This &amp;week</source>
      <translation>本周(&amp;W)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="156" />
      <source>This PC has no shop yet. Set yours up in a few steps, or look around the demo shop first.</source>
      <translation>本机尚未设置门店。只需几步即可设置您的门店，也可以先看看演示门店。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/credentials.py" line="46" />
      <source>This PIN is too easy to guess (repeated or consecutive digits).</source>
      <translation>此PIN码太容易被猜到（重复或连续的数字）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="222" />
      <source>This X report closes nothing: the day goes on until its Z report.</source>
      <translation>此X报表不做日结：当天营业持续到Z报表为止。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="159" />
      <source>This call is already {status}; nothing was changed.</source>
      <translation>此回访当前已为{status}；未做任何更改。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="478" />
      <source>This category is not in the shop's list.</source>
      <translation>此类别不在门店的列表中。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/complaints.py" line="95" />
      <source>This complaint is {status}: you cannot {step} it now. Possible now: {possible}.</source>
      <translation>此投诉当前为{status}：现在不能{step}。现在可以：{possible}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/models/migrations.py" line="1343" />
      <source>This database has schema version {version}, newer than this PartsDesk knows ({latest}). Install the newer PartsDesk before opening it.</source>
      <translation>此数据库的结构版本为 {version}，比本 PartsDesk 支持的版本（{latest}）更新。请先安装更新版本的 PartsDesk 再打开。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="274" />
      <source>This estimate holds until {date}. No work is done and no part is fitted on a line before the customer authorizes it; a change to an authorized line needs a new authorization.</source>
      <translation>本估价单有效期至 {date}。任何项目在客户授权之前均不施工、不装配件；已授权项目如有更改，需重新授权。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/users.py" line="172" />
      <source>This is the last active administrator; add another one first.</source>
      <translation>这是最后一个启用的管理员；请先添加另一个管理员。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_history.py" line="160" />
      <source>This kind of document opens in its own tab.</source>
      <translation>此类单据在其自己的页面中打开。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/customers.py" line="176" />
      <source>This looks like a customer already in the file: {customers}. Open that record, merge the two, or save this one anyway if they are different people.</source>
      <translation>这似乎是已建档的客户：{customers}。请打开该记录、合并两者，如确为不同的人，也可仍保存此记录。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stepup.py" line="50" />
      <source>This needs a manager's approval ({permission}). The approver types their own PIN or password; the approval and the reason go into the audit log.</source>
      <translation>此操作需要经理批准（{permission}）。批准人输入自己的PIN码或密码；批准及原因将记入审计日志。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/reminders.py" line="100" />
      <source>This reminder is already {status}; nothing was changed.</source>
      <translation>此保养提醒当前已为{status}；未做任何更改。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="622" />
      <source>This scan cannot be taken back: the line holds less than it added.</source>
      <translation>无法撤销此次扫描：该行的数量少于此次扫描所增加的数量。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/login.py" line="205" />
      <source>This shop has no users yet. Create the administrator: the person who adds the other users and may do everything. Keep the password safe.</source>
      <translation>本门店还没有用户。请创建管理员：负责添加其他用户，拥有全部权限。请妥善保管密码。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/first_run.py" line="255" />
      <source>This shop is already set up: it has users. Change its details in the settings.</source>
      <translation>本门店已设置完成：已有用户。请在设置中修改其信息。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/backup.py" line="126" />
      <source>This shop's data lives on a PostgreSQL server, which PartsDesk does not overwrite itself. Close PartsDesk on every terminal, then on the server run: {restore}</source>
      <translation>本门店的数据存放在 PostgreSQL 服务器上，PartsDesk 不会自行覆盖它。请在所有收银台上关闭 PartsDesk，然后在服务器上运行：{restore}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/backup.py" line="130" />
      <source>This shop's data lives on a PostgreSQL server; back it up on the server with pg_dump, for example every night: {dump} (restore with: {restore})</source>
      <translation>本门店的数据存放在 PostgreSQL 服务器上；请在服务器上用 pg_dump 备份，例如每晚一次：{dump}（恢复命令：{restore}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/adjustments.py" line="208" />
      <source>This stock is in quarantine already: release it as repaired or scrap it instead.</source>
      <translation>此库存已在隔离区：请改为修复后解除隔离或报废。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="545" />
      <source>This vehicle already has an open repair order, {number}: add the work to it.</source>
      <translation>此车辆已有未结维修工单 {number}：请将施工内容添加到该工单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/reminders.py" line="181" />
      <source>This vehicle already has an open {service} reminder. Mark it done or cancel it first.</source>
      <translation>此车辆已有未完成的{service}保养提醒。请先将其标记为已完成或取消。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="146" />
      <source>Tick the invoices this payment is for, or pay the oldest first.</source>
      <translation>请勾选此笔付款对应的发票，或先支付最早的发票。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1214" />
      <source>Tick the lines the customer answered for.</source>
      <translation>请勾选客户已答复的项目。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="323" />
      <source>Time</source>
      <translation>时间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="75" />
      <source>Time in each status (orders checked in in the period)</source>
      <translation>各状态停留时间（本期接车的工单）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_reports_view.py" line="198" />
      <source>Time in status</source>
      <translation>各状态停留时间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="164" />
      <source>To</source>
      <translation>至</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="57" />
      <source>To   {when}</source>
      <translation>至 {when}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/quote.py" line="190" />
      <source>To accept, bring or quote the number {number} before {date} is over. This is an offer, not an invoice.</source>
      <translation>如接受报价，请在 {date} 结束前携带本单或告知编号 {number}。本单为报价，不是发票。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="473" />
      <source>To be answered within {hours} hours and resolved within {days} days of being received.</source>
      <translation>须在收到后 {hours} 小时内答复，{days} 天内解决。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="258" />
      <source>To fix, then Start again:</source>
      <translation>请修正以下问题，然后重新开始：</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="472" />
      <source>To issue</source>
      <translation>待发料</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="362" />
      <source>To order</source>
      <translation>建议订购</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_editor.py" line="267" />
      <source>To year</source>
      <translation>截止年份</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="338" />
      <source>Today</source>
      <translation>今天</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="133" />
      <source>Today's and this week's calls: birthdays, follow-ups, service reminders, lapsed customers; call sheet and text-message export</source>
      <translation>今天和本周的回访：生日、回访、保养提醒、流失客户；可打印回访单并导出短信名单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="66" />
      <source>Today's cycle list</source>
      <translation>今日循环盘点清单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="381" />
      <source>Today's price</source>
      <translation>当前价格</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="333" />
      <source>Today's price differs from the quote on these lines. The quote holds its price until {day}: tick the lines the customer pays the quoted price for.</source>
      <translation>以下项目的当前价格与报价单不同。报价单价格有效期至 {day}：请勾选客户按报价付款的项目。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="395" />
      <source>Today's price is {today}; the quote holds {quoted} until {day}. Choose the price to charge.</source>
      <translation>当前价格为 {today}；报价单的 {quoted} 有效期至 {day}。请选择收费价格。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="197" />
      <source>Tolerance</source>
      <translation>允差</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="427" />
      <source>Tomorrow's appointments with phone numbers, to confirm them</source>
      <translation>明天的预约及电话号码，用于电话确认</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="68" />
      <source>Top-up</source>
      <translation>充值</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="368" />
      <source>Top-up amount</source>
      <translation>充值金额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="377" />
      <source>Top-up amount: the balance would be too large.</source>
      <translation>充值金额：充值后余额过大。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="270" />
      <source>Torques checked</source>
      <translation>扭矩已检查</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="150" />
      <source>Total</source>
      <translation>合计</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/purchase_order.py" line="107" />
      <source>Total ({currency})</source>
      <translation>合计（{currency}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="82" />
      <source>Total due</source>
      <translation>应付合计</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="111" />
      <source>Total refunded</source>
      <translation>退款合计</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="469" />
      <source>Total {amount}</source>
      <translation>合计 {amount}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="107" />
      <source>Total {currency}</source>
      <translation>合计 {currency}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/tender_dialog.py" line="79" />
      <source>Total {total}</source>
      <translation>合计 {total}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="974" />
      <source>Total …</source>
      <translation>合计 …</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/orders.py" line="41" />
      <source>Trade</source>
      <translation>修理厂</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="91" />
      <source>Trade order</source>
      <translation>修理厂订单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="95" />
      <source>Trade price</source>
      <translation>修理厂价</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="227" />
      <source>Try to open the database written above (nothing is changed)</source>
      <translation>尝试打开上面填写的数据库（不做任何更改）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="425" />
      <source>Trying…</source>
      <translation>正在尝试…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="68" />
      <source>Type</source>
      <translation>类型</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/membership.py" line="160" />
      <source>Type or scan the member card number, or leave it empty to have one made.</source>
      <translation>请输入或扫描会员卡号，或留空以自动生成。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reprint_dialog.py" line="117" />
      <source>Type or scan the number of the document to reprint.</source>
      <translation>请输入或扫描要补打的单据编号。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/sale_documents.py" line="258" />
      <source>Type or scan the number of the document, e.g. RC-000001, INV-000001 or CN-000001.</source>
      <translation>请输入或扫描单据编号，例如 RC-000001、INV-000001 或 CN-000001。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1052" />
      <source>Type or scan the quote's number.</source>
      <translation>请输入或扫描报价单编号。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="699" />
      <source>Type the counted total of the selected line (0: none there)</source>
      <translation>输入所选行的实盘总数（0：没有实物）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="196" />
      <source>Type the quantity (hours for labour) and, if it is fixed, the unit price in the table; an empty price is the usual one: the part's price for the customer, the labour class's rate.</source>
      <translation>在表格中输入数量（工时项目填小时数），如单价固定，也填入单价；单价留空则按常规价格：配件按该客户的价格，工时按工时类别的费率。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="469" />
      <source>Type the quantity that comes back on at least one line.</source>
      <translation>请至少在一行中输入退回数量。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/login.py" line="170" />
      <source>Type your PIN.</source>
      <translation>请输入PIN码。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/login.py" line="169" />
      <source>Type your password.</source>
      <translation>请输入密码。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="264" />
      <source>Tyres</source>
      <translation>轮胎</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/models/db.py" line="82" />
      <source>UNC share</source>
      <translation>UNC 共享</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="216" />
      <source>Uncounted parts</source>
      <translation>未盘点的配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="628" />
      <source>Undone: {qty} of {what}.</source>
      <translation>已撤销：{what} {qty}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="91" />
      <source>Unit</source>
      <translation>单位</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="163" />
      <source>Unit &amp;price</source>
      <translation>单价(&amp;P)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="194" />
      <source>Unit cost</source>
      <translation>单位成本</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="148" />
      <source>Unit is one of {units}.</source>
      <translation>单位须为以下之一：{units}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/purchase_order.py" line="45" />
      <source>Unit price</source>
      <translation>单价</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="267" />
      <source>Unit price cannot be negative.</source>
      <translation>单价不能为负数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/quote.py" line="186" />
      <source>Unit prices and amounts exclude tax; tax is added below.</source>
      <translation>单价和金额不含税；税额在下方另加。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="268" />
      <source>Unit prices and amounts exclude tax; tax is added on the invoice.</source>
      <translation>单价和金额不含税；税额在发票上另加。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/quote.py" line="185" />
      <source>Unit prices and amounts include tax.</source>
      <translation>单价和金额均含税。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1002" />
      <source>Unknown barcode {code}: kept in the count as unknown. F6 links it to a part, or go on.</source>
      <translation>未知条码 {code}：已作为未知条码保留在盘点中。按 F6 关联到配件，或继续盘点。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="569" />
      <source>Unknown barcode {code}: kept in the count. Link it to a part (F4) or go on.</source>
      <translation>未知条码 {code}：已保留在盘点中。请关联到配件（F4），或继续盘点。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="686" />
      <source>Unknown barcode {code}: no part has it (or a part number). Nothing was added.</source>
      <translation>未知条码 {code}：没有配件使用此条码（或配件编号）。未添加任何内容。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="357" />
      <source>Unknown barcode {code}: no part has it.</source>
      <translation>未知条码 {code}：没有配件使用此条码。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="636" />
      <source>Unknown barcode {code}: no part has it. Search the part with F2, or add the barcode to it in the Catalogue.</source>
      <translation>未知条码 {code}：没有配件使用此条码。请按 F2 搜索配件，或在配件目录中为其添加此条码。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="641" />
      <source>Unknown barcode {code}: no part has it. Search the part with F2.</source>
      <translation>未知条码 {code}：没有配件使用此条码。请按 F2 搜索配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="238" />
      <source>Unknown barcodes</source>
      <translation>未知条码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="498" />
      <source>Unknown code {code}: no part has it as barcode or number. Nothing was added.</source>
      <translation>未知代码 {code}：没有配件以此为条码或编号。未添加任何内容。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="187" />
      <source>Unknown field(s): {fields}.</source>
      <translation>未知字段：{fields}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/history.py" line="94" />
      <source>Unknown kind of history: {kinds}.</source>
      <translation>未知的历史记录类型：{kinds}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/complaints.py" line="167" />
      <source>Unknown status {status!r}: one of {statuses}.</source>
      <translation>未知状态 {status!r}：须为以下之一：{statuses}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_editor.py" line="500" />
      <source>Unsaved changes</source>
      <translation>未保存的更改</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/reminders.py" line="36" />
      <source>Upcoming</source>
      <translation>稍后到期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="522" />
      <source>User #{user_id} is not an active technician.</source>
      <translation>用户 #{user_id} 不是启用中的技师。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/login.py" line="227" />
      <source>User name</source>
      <translation>用户名</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/login.py" line="82" />
      <source>Users</source>
      <translation>用户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="133" />
      <source>Users and roles</source>
      <translation>用户和角色</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="92" />
      <source>VIN</source>
      <translation>VIN</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/customers.py" line="522" />
      <source>VIN {vin} is already on another vehicle in the file.</source>
      <translation>VIN {vin} 已用于档案中的另一辆车。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/quotes.py" line="57" />
      <source>Valid</source>
      <translation>有效</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/quote.py" line="171" />
      <source>Valid until</source>
      <translation>有效期至</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/stock_reports.py" line="59" />
      <source>Valuation by category</source>
      <translation>按类别库存估值</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="88" />
      <source>Value</source>
      <translation>金额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_reports_view.py" line="168" />
      <source>Value approved</source>
      <translation>同意金额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="181" />
      <source>Value at cost</source>
      <translation>成本金额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_reports_view.py" line="168" />
      <source>Value declined</source>
      <translation>拒绝金额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="172" />
      <source>Value of one point when redeemed (minor units)</source>
      <translation>每积分抵扣金额（最小货币单位）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="171" />
      <source>Value {currency}</source>
      <translation>金额 {currency}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="225" />
      <source>Variance report</source>
      <translation>差异报表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="252" />
      <source>Variance report {number}</source>
      <translation>差异报表 {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="642" />
      <source>Variances, recounts, approve and post</source>
      <translation>差异、复盘、审批并过账</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="56" />
      <source>Vehicle</source>
      <translation>车辆</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/customers.py" line="533" />
      <source>Vehicle #{id} is not in the customer file any more.</source>
      <translation>车辆 #{id} 已不在客户档案中。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="389" />
      <source>Vehicle #{vehicle_id}</source>
      <translation>车辆 #{vehicle_id}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="124" />
      <source>Vehicle #{vehicle_id} is not in the customer file any more.</source>
      <translation>车辆 #{vehicle_id} 已不在客户档案中。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="491" />
      <source>Vehicle #{vehicle_id} is not in the customer file.</source>
      <translation>车辆 #{vehicle_id} 不在客户档案中。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/quote.py" line="71" />
      <source>Vehicle: {vehicle}</source>
      <translation>车辆：{vehicle}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="91" />
      <source>Vehicles</source>
      <translation>车辆</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_tab.py" line="132" />
      <source>View (Enter)</source>
      <translation>查看（Enter）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="141" />
      <source>Visit on</source>
      <translation>到店日期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="146" />
      <source>Voids</source>
      <translation>作废</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="146" />
      <source>Voids (lines taken out, sales cancelled)</source>
      <translation>作废（删除的行、取消的销售）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="84" />
      <source>Waiting authorization</source>
      <translation>待客户授权</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1293" />
      <source>Waiting for its recount</source>
      <translation>等待复盘</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="86" />
      <source>Waiting parts</source>
      <translation>待料</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="77" />
      <source>Walk in</source>
      <translation>散客</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="233" />
      <source>Walk round</source>
      <translation>环车检查</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="951" />
      <source>Walk-in</source>
      <translation>散客</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/quote.py" line="69" />
      <source>Walk-in customer</source>
      <translation>散客</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="1021" />
      <source>Walk-in customer.</source>
      <translation>散客。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/tender_dialog.py" line="84" />
      <source>Walk-in customer: cash or card</source>
      <translation>散客：现金或银行卡</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="151" />
      <source>Walk-in customer: {tier} prices</source>
      <translation>散客：按{tier}价</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="264" />
      <source>Warning lamps</source>
      <translation>仪表警告灯</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="529" />
      <source>Warranty</source>
      <translation>质保</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="275" />
      <source>Warranty
work</source>
      <translation>质保
施工</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="103" />
      <source>Warranty (km)</source>
      <translation>质保（km）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="102" />
      <source>Warranty (months)</source>
      <translation>质保（月）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_editor.py" line="231" />
      <source>Warranty distance</source>
      <translation>质保里程</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="280" />
      <source>Warranty on labour (km)</source>
      <translation>工时质保（km）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="277" />
      <source>Warranty on labour (months)</source>
      <translation>工时质保（月）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/adjustments.py" line="49" />
      <source>Warranty return</source>
      <translation>质保退货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_documents.py" line="60" />
      <source>Warranty work (no charge)</source>
      <translation>质保施工（免费）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="114" />
      <source>Warranty work at no charge (not in the revenue): {lines:,} line(s), {hours} h of labour, parts at cost {cost} {currency}.</source>
      <translation>免费质保施工（不计入营业收入）：{lines:,} 行，工时 {hours} 小时，配件成本 {cost} {currency}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="779" />
      <source>Warranty work is done at no charge.</source>
      <translation>质保施工不收费。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="463" />
      <source>Warranty {months} months / {km} km</source>
      <translation>质保 {months} 个月 / {km} km</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/returns.py" line="62" />
      <source>Warranty: refund</source>
      <translation>质保：退款</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/returns.py" line="60" />
      <source>Warranty: repair</source>
      <translation>质保：维修</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/returns.py" line="61" />
      <source>Warranty: replace</source>
      <translation>质保：换货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="551" />
      <source>Warranty: whichever comes first of the months and the km, from the delivery date and the odometer out above. Keep this note and the invoice: a warranty claim needs them.</source>
      <translation>质保：自上述交车日期和交车里程表读数起算，月数和里程以先到者为准。请保留本单和发票：质保索赔时需要出示。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_documents.py" line="430" />
      <source>Warranty: {terms}</source>
      <translation>质保：{terms}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="18" />
      <source>WeChat</source>
      <translation>微信</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="61" />
      <source>WeChat Pay</source>
      <translation>微信支付</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="645" />
      <source>Week of {first} – {last}</source>
      <translation>{first} – {last} 周</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="299" />
      <source>Weekly backups kept</source>
      <translation>保留的每周备份数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="134" />
      <source>Welcome to PartsDesk</source>
      <translation>欢迎使用 PartsDesk</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_history.py" line="59" />
      <source>What</source>
      <translation>内容</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/help_dialog.py" line="263" />
      <source>What it does</source>
      <translation>功能</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="238" />
      <source>What the customer says is wrong, in their words</source>
      <translation>客户所述的问题，按客户原话记录</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="171" />
      <source>What the customer says, in their own words</source>
      <translation>客户所述内容，按客户原话记录</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="303" />
      <source>What the shop told the customer</source>
      <translation>门店对客户的答复</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="263" />
      <source>What to order: the suggestions by supplier, made into draft orders</source>
      <translation>补货：按供应商列出的补货建议，可生成采购单草稿</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="549" />
      <source>What was done</source>
      <translation>已完成工作</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="309" />
      <source>What was done: repaired, replaced, refunded…</source>
      <translation>处理结果：已维修、已更换、已退款…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_care.py" line="174" />
      <source>When</source>
      <translation>时间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="300" />
      <source>When the goods are expected (what the late list chases)</source>
      <translation>预计到货时间（逾期清单据此催货）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="295" />
      <source>Where this PC writes and looks for backups of a SQLite shop file. Empty: the folder beside the shop file (&lt;file&gt;-backups). Another disk is safer.</source>
      <translation>本机写入和查找 SQLite 门店文件备份的位置。留空：门店文件旁边的文件夹（&lt;file&gt;-backups）。放在另一块磁盘上更安全。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="140" />
      <source>Whichever comes first counts. With both empty, a service of the list is due its interval from today and the last reading.</source>
      <translation>以先到者为准。两项都留空时，列表中的保养项目从今天和上次读数起按其间隔计算到期。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="281" />
      <source>Whichever comes first, the months or the km. 0: none by distance.</source>
      <translation>月数和里程以先到者为准。0：不按里程计。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="856" />
      <source>Who answered</source>
      <translation>答复人</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/help_dialog.py" line="194" />
      <source>Whole window</source>
      <translation>整个窗口</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="96" />
      <source>Wholesale price</source>
      <translation>批发价</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="363" />
      <source>Why</source>
      <translation>原因</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="90" />
      <source>Why (kept in the audit log)</source>
      <translation>原因（记入审计日志）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="216" />
      <source>Why is the quote cancelled? (Enter cancels it)</source>
      <translation>为什么取消报价单？（按 Enter 取消）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="559" />
      <source>Width</source>
      <translation>宽度</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="264" />
      <source>Windscreen</source>
      <translation>前挡风玻璃</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="264" />
      <source>Wipers</source>
      <translation>雨刮</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="144" />
      <source>With book quantities</source>
      <translation>显示账面数量</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="197" />
      <source>Within</source>
      <translation>允差内</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="313" />
      <source>Within the credit limit: {left} left of {limit}.</source>
      <translation>在信用额度内：额度 {limit}，剩余 {left}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="147" />
      <source>Wor&amp;k asked for</source>
      <translation>客户要求的工作(&amp;K)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/quote.py" line="48" />
      <source>Work</source>
      <translation>工作内容</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="57" />
      <source>Work asked for</source>
      <translation>客户要求的工作</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="270" />
      <source>Work done as ordered</source>
      <translation>已按工单完成作业</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="773" />
      <source>Work done: the order waits for its quality check.</source>
      <translation>施工已完成：工单等待质检。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="391" />
      <source>Work the suggestions out again</source>
      <translation>重新计算补货建议</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="272" />
      <source>Work we recommend that the customer declined for now; it is kept as a reminder.</source>
      <translation>我们建议但客户暂时拒绝的项目；保留作为提醒。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="704" />
      <source>Working out what to order…</source>
      <translation>正在计算补货建议…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="588" />
      <source>Working…</source>
      <translation>正在处理…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="75" />
      <source>Works&amp;hop</source>
      <translation>车间(&amp;H)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="163" />
      <source>Workshop</source>
      <translation>车间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="260" />
      <source>Workshop closes at</source>
      <translation>车间关门时间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="258" />
      <source>Workshop closes at (HH:MM)</source>
      <translation>车间关门时间（HH:MM）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="257" />
      <source>Workshop opens at</source>
      <translation>车间开门时间</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="255" />
      <source>Workshop opens at (HH:MM)</source>
      <translation>车间开门时间（HH:MM）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="55" />
      <source>Workshop report</source>
      <translation>车间报表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="122" />
      <source>Workshop report {period}</source>
      <translation>车间报表 {period}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_reports_view.py" line="337" />
      <source>Workshop report {start} to {end}</source>
      <translation>车间报表 {start} 至 {end}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="105" />
      <source>Workshop revenue (invoices of the orders delivered in the period)</source>
      <translation>车间营业收入（本期已交车工单的发票）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="379" />
      <source>Writing and checking a backup of the shop database…</source>
      <translation>正在写入并校验门店数据库备份…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/complaints_register.py" line="243" />
      <source>Writing the report…</source>
      <translation>正在生成报表…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="418" />
      <source>Writing the statement…</source>
      <translation>正在生成对账单…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_io_dialogs.py" line="171" />
      <source>Writing {file}…</source>
      <translation>正在写入 {file}…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/users.py" line="214" />
      <source>Wrong PIN or password. {left} tries left before {name} is locked.</source>
      <translation>PIN码或密码错误。还可尝试 {left} 次，之后 {name} 将被锁定。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/users.py" line="213" />
      <source>Wrong PIN or password. {left} try left before {name} is locked.</source>
      <translation>PIN码或密码错误。还可尝试 {left} 次，之后 {name} 将被锁定。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/users.py" line="204" />
      <source>Wrong PIN or password. {name} is now locked for {minutes} min.</source>
      <translation>PIN码或密码错误。{name} 已被锁定 {minutes} 分钟。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/users.py" line="211" />
      <source>Wrong PIN. {left} tries left before {name} is locked.</source>
      <translation>PIN码错误。还可尝试 {left} 次，之后 {name} 将被锁定。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/users.py" line="210" />
      <source>Wrong PIN. {left} try left before {name} is locked.</source>
      <translation>PIN码错误。还可尝试 {left} 次，之后 {name} 将被锁定。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/users.py" line="203" />
      <source>Wrong PIN. {name} is now locked for {minutes} min.</source>
      <translation>PIN码错误。{name} 已被锁定 {minutes} 分钟。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="147" />
      <source>Wrong PINs before a user is locked</source>
      <translation>用户被锁定前允许的PIN码错误次数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="54" />
      <source>Wrong number</source>
      <translation>号码错误</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/returns.py" line="63" />
      <source>Wrong part</source>
      <translation>配件错误</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="53" />
      <source>X REPORT — not a closing</source>
      <translation>X报表 — 非日结</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="258" />
      <source>X report: nothing is closed. Ctrl+P prints it.</source>
      <translation>X报表：不做日结。按 Ctrl+P 打印。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="136" />
      <source>YYYY-MM-DD, or empty</source>
      <translation>YYYY-MM-DD，或留空</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="92" />
      <source>Year</source>
      <translation>年份</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="917" />
      <source>You are already clocked on line {line_no}.</source>
      <translation>您已在第 {line_no} 项上开工。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="514" />
      <source>You are clocked on line {line} of this order.</source>
      <translation>您正在此工单的第 {line} 项上开工。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="517" />
      <source>You are clocked on {number} line {line}.</source>
      <translation>您正在 {number} 的第 {line} 项上开工。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="934" />
      <source>You are not clocked on any job.</source>
      <translation>您当前没有在任何工单上开工。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/users.py" line="167" />
      <source>You cannot disable yourself. Ask another administrator.</source>
      <translation>您不能禁用自己。请联系其他管理员。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1076" />
      <source>You worked on this car yourself: a second pair of eyes is better for the quality check.</source>
      <translation>这辆车是您自己施工的：质检最好由另一个人来做。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1318" />
      <source>You worked on this car yourself: a second pair of eyes is better for the quality check. You may still record it.</source>
      <translation>这辆车是您自己施工的：质检最好由另一个人来做。您仍可以记录本次质检。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="289" />
      <source>Your administrator account</source>
      <translation>您的管理员账户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/purchase_order.py" line="44" />
      <source>Your part no.</source>
      <translation>贵方配件编号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="512" />
      <source>Your role may not look at the workshop calendar.</source>
      <translation>您的角色无权查看车间日程。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="200" />
      <source>Your shop</source>
      <translation>您的门店</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="160" />
      <source>Your shop's name and details for the receipts, its tax, how documents are numbered, and your administrator account. About two minutes.</source>
      <translation>小票上的门店名称和信息、税、单据编号方式，以及您的管理员账户。大约需要两分钟。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="58" />
      <source>Z REPORT {number}</source>
      <translation>Z报表 {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="70" />
      <source>Z report</source>
      <translation>Z报表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="330" />
      <source>Z report {number} of terminal {terminal}: expected {expected}, counted {counted} {currency} ({over_short}){copy} ({paper}): written to {out}</source>
      <translation>收银台 {terminal} 的Z报表 {number}：应有 {expected}，实点 {counted} {currency}（{over_short}）{copy}（{paper}）：已写入 {out}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/first_run.py" line="41" />
      <source>Z reports (cash-up)</source>
      <translation>Z报表（交班结算）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="39" />
      <source>[{status}] {name}: {summary}</source>
      <translation>[{status}] {name}：{summary}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="502" />
      <source>abnormal</source>
      <translation>异常</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="102" />
      <source>abnormal loss</source>
      <translation>异常损耗</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="149" />
      <source>account</source>
      <translation>挂账</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="191" />
      <source>account balance</source>
      <translation>挂账余额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="186" />
      <source>active</source>
      <translation>启用</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="44" />
      <source>add or change customers and their vehicles</source>
      <translation>添加或修改客户及其车辆</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="53" />
      <source>adjust points or a prepaid balance by hand</source>
      <translation>手动调整积分或储值余额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="63" />
      <source>adjust stock (damage, loss, found, scrap) and release it from quarantine</source>
      <translation>调整库存（损坏、丢失、盘盈、报废）并解除隔离</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="377" />
      <source>adjust stock: {error}</source>
      <translation>库存调整：{error}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_membership.py" line="105" />
      <source>adjust the points of {name} by {points}</source>
      <translation>将 {name} 的积分调整 {points}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="107" />
      <source>against {reference}</source>
      <translation>原单 {reference}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="106" />
      <source>against {reference} of {when}</source>
      <translation>原单 {reference}（{when}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="275" />
      <source>all returned</source>
      <translation>已全部退货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="83" />
      <source>allow</source>
      <translation>允许</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="198" />
      <source>allow: with a warning; manager: a manager approves; refuse: never.</source>
      <translation>允许：仅给出警告；经理：须经理批准；拒绝：一律不允许。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/complaints.py" line="37" />
      <source>answer</source>
      <translation>答复</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="62" />
      <source>approve and post a stock count</source>
      <translation>审批并过账盘点</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1356" />
      <source>approve and post stock count {number}</source>
      <translation>审批并过账盘点 {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="350" />
      <source>as on the shelves, comma between: A-01, A-02</source>
      <translation>按货架上的标注填写，用逗号分隔：A-01, A-02</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/purchase_order.py" line="120" />
      <source>as soon as possible</source>
      <translation>尽快</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="97" />
      <source>as the calendar shows it, e.g. Bay 4 (lift)</source>
      <translation>日程中显示的名称，例如 4号工位（举升机）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="301" />
      <source>at least 8 characters, letters and digits</source>
      <translation>至少 8 个字符，包含字母和数字</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1370" />
      <source>at least {km}</source>
      <translation>至少 {km}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="505" />
      <source>at most {qty} can be sold</source>
      <translation>最多可售 {qty}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="235" />
      <source>audit chain</source>
      <translation>审计链</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="138" />
      <source>audit row {audit_id}: {problem}</source>
      <translation>审计记录 {audit_id}：{problem}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="69" />
      <source>back as member points</source>
      <translation>退回为会员积分</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="69" />
      <source>back onto the prepaid balance</source>
      <translation>退回储值余额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="470" />
      <source>back to stock (repaired)</source>
      <translation>已修复并退回库存</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="181" />
      <source>balance {qty}</source>
      <translation>余额 {qty}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="106" />
      <source>bank reference, cheque number (optional)</source>
      <translation>银行参考号、支票号（可选）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_table.py" line="166" />
      <source>barcode {0}</source>
      <translation>条码 {0}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="261" />
      <source>bay</source>
      <translation>工位</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="160" />
      <source>blind</source>
      <translation>盲盘</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="917" />
      <source>blind count</source>
      <translation>盲盘</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="83" />
      <source>block</source>
      <translation>阻止</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="68" />
      <source>book appointments, check vehicles in, write repair orders and take authorizations</source>
      <translation>预约、接车、开具维修工单并记录客户授权</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="842" />
      <source>book shown</source>
      <translation>显示账面数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="917" />
      <source>book shown on the sheet</source>
      <translation>盘点表上显示账面数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="552" />
      <source>bottom</source>
      <translation>下</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="634" />
      <source>cancelled</source>
      <translation>取消</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="427" />
      <source>canned job</source>
      <translation>标准套餐</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="351" />
      <source>category codes: brakes, filters.oil</source>
      <translation>类别代码：brakes, filters.oil</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="50" />
      <source>change a customer's credit limit or payment terms</source>
      <translation>修改客户的信用额度或账期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="38" />
      <source>change parts in the catalogue</source>
      <translation>修改配件目录中的配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="39" />
      <source>change selling prices</source>
      <translation>修改销售价格</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="76" />
      <source>change shop settings</source>
      <translation>修改门店设置</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_editor.py" line="472" />
      <source>change the prices of {brand} {number}</source>
      <translation>修改 {brand} {number} 的价格</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="600" />
      <source>changed</source>
      <translation>修改</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/tender_dialog.py" line="278" />
      <source>charge {name}'s account over its credit limit ({total})</source>
      <translation>超出信用额度向 {name} 挂账（{total}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="355" />
      <source>cheapest</source>
      <translation>最便宜</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="72" />
      <source>check-in sheet</source>
      <translation>接车单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="669" />
      <source>checked in</source>
      <translation>接车</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="147" />
      <source>class {grade}</source>
      <translation>{grade} 类</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="205" />
      <source>clear the class set by hand of {0}</source>
      <translation>清除 {0} 的手动分类</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="69" />
      <source>clock on and off jobs, issue parts to a job and do quality checks</source>
      <translation>开工/停工、向工单发料并进行质检</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/complaints.py" line="37" />
      <source>close</source>
      <translation>关闭</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="227" />
      <source>code {number}</source>
      <translation>第 {number} 号条码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_editor.py" line="79" />
      <source>comma between tags</source>
      <translation>标签之间用逗号分隔</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="106" />
      <source>complaints {period}</source>
      <translation>投诉 {period}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/tender_dialog.py" line="280" />
      <source>complete the sale of {total}</source>
      <translation>完成 {total} 的销售</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="61" />
      <source>connection</source>
      <translation>连接</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_editor.py" line="302" />
      <source>correct the odometer of {0} to {1} km</source>
      <translation>将 {0} 的里程表读数更正为 {1} km</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="251" />
      <source>could not run: {kind}: {error}</source>
      <translation>无法运行：{kind}：{error}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1401" />
      <source>count sheet</source>
      <translation>盘点表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="61" />
      <source>count stock (start a count, scan, finish it)</source>
      <translation>盘点库存（开始盘点、扫码、结束盘点）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="60" />
      <source>count the till, print X reports and close the day (Z report)</source>
      <translation>清点钱箱、打印X报表并日结（Z报表）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="51" />
      <source>counted</source>
      <translation>已盘点</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1097" />
      <source>counted 0</source>
      <translation>实盘 0</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="53" />
      <source>counted as zero</source>
      <translation>按零计</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1098" />
      <source>counted {qty}</source>
      <translation>实盘 {qty}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="68" />
      <source>credited to the customer's account</source>
      <translation>已退入客户挂账账户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="211" />
      <source>customer #{customer_id} {name}: {what} {value}, its ledger adds up to {ledger}</source>
      <translation>客户 #{customer_id} {name}：{what} {value}，其流水合计为 {ledger}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="200" />
      <source>customer ledgers</source>
      <translation>客户流水账</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="73" />
      <source>delivery note</source>
      <translation>交车单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="327" />
      <source>deposit of line {line} refunded</source>
      <translation>已退还第 {line} 行的旧件押金</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="77" />
      <source>digits arrive as symbols and “a”/“q”, “z”/“w” are swapped</source>
      <translation>数字变成符号，且“a”/“q”、“z”/“w”互换</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="186" />
      <source>disabled</source>
      <translation>已停用</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/audit.py" line="88" />
      <source>does not link to the row before it (a row was removed or inserted)</source>
      <translation>未与上一条记录衔接（有记录被删除或插入）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="553" />
      <source>down</source>
      <translation>纵向</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="310" />
      <source>due today</source>
      <translation>今天到期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="312" />
      <source>due {day}</source>
      <translation>{day} 到期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="307" />
      <source>due {day}, {days} day late</source>
      <translation>{day} 到期，逾期 {days} 天</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="307" />
      <source>due {day}, {days} days late</source>
      <translation>{day} 到期，逾期 {days} 天</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="144" />
      <source>e.g. -2 to take off, 3 to put on</source>
      <translation>例如 -2 表示减少，3 表示增加</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="241" />
      <source>e.g. 13 or 6.5</source>
      <translation>例如 13 或 6.5</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="129" />
      <source>e.g. 180.00</source>
      <translation>例如 180.00</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="104" />
      <source>e.g. 200.00</source>
      <translation>例如 200.00</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_membership.py" line="65" />
      <source>e.g. 500.00</source>
      <translation>例如 500.00</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="127" />
      <source>e.g. Electrical</source>
      <translation>例如 电气</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="204" />
      <source>e.g. Lucky Star Auto Parts</source>
      <translation>例如 福星汽配</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="167" />
      <source>e.g. Oil service</source>
      <translation>例如 机油保养</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="243" />
      <source>e.g. S-000123</source>
      <translation>例如 S-000123</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="183" />
      <source>e.g. car sold, serviced elsewhere</source>
      <translation>例如 车已卖掉、在别处保养</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="98" />
      <source>e.g. collect after 4 pm</source>
      <translation>例如 下午 4 点后取货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="62" />
      <source>e.g. lina (letters, digits, . _ -)</source>
      <translation>例如 lina（字母、数字、. _ -）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="293" />
      <source>e.g. owner</source>
      <translation>例如 车主</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="90" />
      <source>e.g. parts on order: 2 days</source>
      <translation>例如 配件在途：2 天</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="267" />
      <source>e.g. {number}</source>
      <translation>例如 {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="101" />
      <source>either way</source>
      <translation>可增可减</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="138" />
      <source>empty: by date only</source>
      <translation>留空：仅按日期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="109" />
      <source>empty: keep the PIN</source>
      <translation>留空：保留原PIN码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="111" />
      <source>empty: keep the password</source>
      <translation>留空：保留原密码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="163" />
      <source>empty: the last reading ({km})</source>
      <translation>留空：上次读数（{km}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="164" />
      <source>empty: the supplier's price</source>
      <translation>留空：按供应商价格</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="373" />
      <source>engine</source>
      <translation>发动机</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="84" />
      <source>enter</source>
      <translation>Enter 键</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="47" />
      <source>enter an odometer reading below the last one</source>
      <translation>录入低于上次的里程表读数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="324" />
      <source>enter: Enter (the usual); tab: Tab or Enter. Scanner set-up finds it.</source>
      <translation>Enter 键：Enter（常用）；Tab 键：Tab 或 Enter。扫描枪设置可自动识别。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="71" />
      <source>estimate</source>
      <translation>估价单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="222" />
      <source>every account, points and prepaid balance equals its ledger; no document is settled beyond its amount</source>
      <translation>每个挂账、积分和储值余额都与其流水一致；没有单据的核销金额超过其本身金额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="111" />
      <source>every reference points to an existing row</source>
      <translation>所有引用都指向存在的记录</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="176" />
      <source>every stock balance equals the sum of its moves</source>
      <translation>每项库存余额都等于其变动之和</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="46" />
      <source>export or erase a customer's personal data</source>
      <translation>导出或清除客户的个人信息</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="41" />
      <source>export the catalogue</source>
      <translation>导出配件目录</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_table.py" line="171" />
      <source>fits the vehicle</source>
      <translation>适用该车辆</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="85" />
      <source>foreign keys</source>
      <translation>外键</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_editor.py" line="250" />
      <source>from the VIN when empty</source>
      <translation>留空时从 VIN 读取</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="87" />
      <source>front</source>
      <translation>前</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="622" />
      <source>fully received</source>
      <translation>已全部收货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="191" />
      <source>how much</source>
      <translation>数量</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="40" />
      <source>import parts</source>
      <translation>导入配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="356" />
      <source>inactive</source>
      <translation>已停用</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="234" />
      <source>integrity</source>
      <translation>完整性</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="667" />
      <source>interrupted; nothing half-done was kept.</source>
      <translation>已中断；未保存任何未完成的操作。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="196" />
      <source>invoice</source>
      <translation>发票</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="71" />
      <source>invoice a repair order with lines the customer has not authorized</source>
      <translation>为含有客户未授权项目的维修工单开具发票</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1509" />
      <source>invoice repair order {number} with lines the customer has not authorized ({total})</source>
      <translation>为含有客户未授权项目的维修工单 {number} 开具发票（{total}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="506" />
      <source>it cannot be sold</source>
      <translation>不能销售</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/audit.py" line="93" />
      <source>its content does not match its hash (the row was changed)</source>
      <translation>其内容与哈希值不符（该记录被修改过）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="72" />
      <source>job card</source>
      <translation>派工单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="65" />
      <source>keep suppliers and their prices, and raise, send and close purchase orders</source>
      <translation>维护供应商及其价格，并创建、发送和关闭采购单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="159" />
      <source>km on the odometer now</source>
      <translation>当前里程表读数（km）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="71" />
      <source>label sheet</source>
      <translation>标签纸</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="331" />
      <source>labour class</source>
      <translation>工时类别</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_editor.py" line="292" />
      <source>last: {0} km</source>
      <translation>上次：{0} km</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="552" />
      <source>left</source>
      <translation>左</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="53" />
      <source>left as they were</source>
      <translation>保持不变</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="99" />
      <source>list {price}</source>
      <translation>原价 {price}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="96" />
      <source>list {price}, discount {discount}</source>
      <translation>原价 {price}，折扣 {discount}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="67" />
      <source>look at the workshop: appointments, repair orders, reminders</source>
      <translation>查看车间：预约、维修工单、保养提醒</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="42" />
      <source>look up customers and their vehicles</source>
      <translation>查询客户及其车辆</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="36" />
      <source>look up parts</source>
      <translation>查询配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="246" />
      <source>low</source>
      <translation>库存不足</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="74" />
      <source>make a backup</source>
      <translation>进行备份</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="64" />
      <source>make a stock adjustment above the value set for a manager</source>
      <translation>进行超出设定金额（需经理审批）的库存调整</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="72" />
      <source>manage users and permissions</source>
      <translation>管理用户和权限</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="83" />
      <source>manager</source>
      <translation>经理</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/login.py" line="142" />
      <source>managers and administrators log in with their password</source>
      <translation>经理和管理员使用密码登录</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="646" />
      <source>marked a no-show</source>
      <translation>标记为爽约</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/stock.py" line="78" />
      <source>max {maximum} − projected {projected} = {need} → order {qty}</source>
      <translation>最高 {maximum} − 预计 {projected} = {need} → 订购 {qty}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/stock.py" line="81" />
      <source>max {maximum} − projected {projected} = {need} → {packs} pack of {pack}</source>
      <translation>最高 {maximum} − 预计 {projected} = {need} → {packs} 包，每包 {pack}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/stock.py" line="83" />
      <source>max {maximum} − projected {projected} = {need} → {packs} packs of {pack}</source>
      <translation>最高 {maximum} − 预计 {projected} = {need} → {packs} 包，每包 {pack}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_table.py" line="87" />
      <source>member card</source>
      <translation>会员卡</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="48" />
      <source>member card {card}</source>
      <translation>会员卡 {card}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_editor.py" line="173" />
      <source>merge customer #{0} into #{1}</source>
      <translation>将客户 #{0} 合并到 #{1}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="45" />
      <source>merge two customer records</source>
      <translation>合并两个客户档案</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="182" />
      <source>moves add up to {qty}</source>
      <translation>变动合计 {qty}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="184" />
      <source>name</source>
      <translation>姓名</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="106" />
      <source>needed for paid in or out</source>
      <translation>存入或取出现金时必填</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="244" />
      <source>negative</source>
      <translation>负库存</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/models/db.py" line="88" />
      <source>network drive</source>
      <translation>网络驱动器</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/stock_reports.py" line="41" />
      <source>never</source>
      <translation>从未</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="191" />
      <source>no</source>
      <translation>否</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="181" />
      <source>no balance row</source>
      <translation>无余额记录</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="321" />
      <source>no customer</source>
      <translation>无客户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="320" />
      <source>no customer on file</source>
      <translation>无客户档案</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="182" />
      <source>no moves</source>
      <translation>无变动</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/call_sheet.py" line="60" />
      <source>no offers</source>
      <translation>不接收优惠信息</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_editor.py" line="293" />
      <source>no reading yet</source>
      <translation>尚无读数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="119" />
      <source>no schema version: this is not a PartsDesk database (expected version {latest})</source>
      <translation>无数据库结构版本：这不是 PartsDesk 数据库（预期版本 {latest}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="347" />
      <source>none</source>
      <translation>无</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="102" />
      <source>normal</source>
      <translation>正常</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="339" />
      <source>not computed yet</source>
      <translation>尚未计算</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1095" />
      <source>not counted</source>
      <translation>未盘点</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="51" />
      <source>not counted: zero</source>
      <translation>未盘点：按零计</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="79" />
      <source>not noted</source>
      <translation>未记录</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="503" />
      <source>not set</source>
      <translation>未设定</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="382" />
      <source>not yet computed</source>
      <translation>尚未计算</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="375" />
      <source>note</source>
      <translation>备注</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/complaints.py" line="94" />
      <source>nothing</source>
      <translation>无</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="94" />
      <source>now</source>
      <translation>至今</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="245" />
      <source>now, or e.g. 2026-11-22 09:30</source>
      <translation>现在，或例如 2026-11-22 09:30</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_table.py" line="170" />
      <source>number contains {0}</source>
      <translation>编号包含 {0}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="92" />
      <source>of which credit not yet used (taken off your next invoice)</source>
      <translation>其中尚未使用的余额（将从您的下一张发票中扣除）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="97" />
      <source>of which net</source>
      <translation>其中净额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="97" />
      <source>of which tax</source>
      <translation>其中税额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="723" />
      <source>of {per_page} on a sheet</source>
      <translation>（每张 {per_page} 个）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="39" />
      <source>ok</source>
      <translation>通过</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_editor.py" line="295" />
      <source>only for a reading below the last one</source>
      <translation>仅在读数低于上次时填写</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="137" />
      <source>optional</source>
      <translation>可选</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="215" />
      <source>optional: a PNG or JPEG printed on A4 documents</source>
      <translation>可选：打印在 A4 单据上的 PNG 或 JPEG 图片</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="178" />
      <source>out</source>
      <translation>超出允差</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="827" />
      <source>over</source>
      <translation>超量</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="417" />
      <source>over by {qty}</source>
      <translation>多 {qty}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="100" />
      <source>owed: {0}</source>
      <translation>欠款：{0}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/money.py" line="139" />
      <source>pair</source>
      <translation>对</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="405" />
      <source>part #{part_id}</source>
      <translation>配件 #{part_id}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="180" />
      <source>part id {part_id} (missing)</source>
      <translation>配件 ID {part_id}（不存在）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_table.py" line="88" />
      <source>part of a plate or VIN</source>
      <translation>车牌或 VIN 的一部分</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/complaints.py" line="99" />
      <source>part {number}</source>
      <translation>配件 {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="622" />
      <source>partly received</source>
      <translation>部分收货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="408" />
      <source>partsdesk labels needs {options} (or --list-layouts); see partsdesk labels --help.</source>
      <translation>partsdesk labels 需要 {options}（或 --list-layouts）；请参阅 partsdesk labels --help。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="399" />
      <source>partsdesk labels takes one of --parts, --receipt and --count, not {options}.</source>
      <translation>partsdesk labels 只接受 --parts、--receipt 和 --count 中的一个，而不是 {options}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="184" />
      <source>password</source>
      <translation>密码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="61" />
      <source>payment on delivery</source>
      <translation>现结</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="196" />
      <source>payment or credit note</source>
      <translation>付款或红字冲销单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_table.py" line="87" />
      <source>phone number</source>
      <translation>电话号码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="69" />
      <source>pick list</source>
      <translation>拣货单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_table.py" line="87" />
      <source>plate</source>
      <translation>车牌</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="192" />
      <source>points</source>
      <translation>积分</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="374" />
      <source>position</source>
      <translation>安装位置</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="355" />
      <source>preferred</source>
      <translation>首选</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="193" />
      <source>prepaid balance</source>
      <translation>储值余额</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="975" />
      <source>pricing…</source>
      <translation>正在计价…</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="101" />
      <source>puts stock on</source>
      <translation>增加库存</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="70" />
      <source>quote</source>
      <translation>报价单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="353" />
      <source>quoted</source>
      <translation>按报价</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="73" />
      <source>read the audit log</source>
      <translation>查看审计日志</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="88" />
      <source>rear</source>
      <translation>后</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="194" />
      <source>reason to cancel the order</source>
      <translation>取消订单的原因</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="69" />
      <source>receipt</source>
      <translation>小票</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_membership.py" line="70" />
      <source>receipt or transaction number (optional)</source>
      <translation>小票号或交易号（可选）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="66" />
      <source>receive goods into stock</source>
      <translation>收货入库</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="54" />
      <source>record a call to a customer</source>
      <translation>记录客户回访</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="55" />
      <source>record and handle complaints</source>
      <translation>登记和处理投诉</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_table.py" line="87" />
      <source>record number</source>
      <translation>档案号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="52" />
      <source>recounted</source>
      <translation>已复盘</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/tender_dialog.py" line="107" />
      <source>reference on the card slip</source>
      <translation>银行卡签购单上的参考号</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/quote.py" line="84" />
      <source>refundable when the old part of line {line} is returned</source>
      <translation>归还第 {line} 行的旧件后可退还</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="84" />
      <source>refuse</source>
      <translation>拒绝</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/complaints.py" line="37" />
      <source>reopen</source>
      <translation>重新打开</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_table.py" line="169" />
      <source>replaces {0}</source>
      <translation>替代 {0}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/complaints.py" line="37" />
      <source>resolve</source>
      <translation>解决</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="75" />
      <source>restore a backup</source>
      <translation>恢复备份</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="75" />
      <source>retail</source>
      <translation>零售</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="551" />
      <source>right</source>
      <translation>右</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="184" />
      <source>role</source>
      <translation>角色</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/print_path.py" line="70" />
      <source>roll label</source>
      <translation>卷装标签</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="721" />
      <source>roll labels always start at 1</source>
      <translation>卷装标签总是从 1 开始</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/labels.py" line="151" />
      <source>roll labels of your size (--size WIDTHxHEIGHT in mm)</source>
      <translation>自定尺寸的卷装标签（--size 宽x高，单位 mm）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="155" />
      <source>row {row}, column {column!r}: {message}</source>
      <translation>第 {row} 行，列 {column!r}：{message}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="157" />
      <source>row {row}: {message}</source>
      <translation>第 {row} 行：{message}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_editor.py" line="205" />
      <source>same customer as #{0} (found when saving #{1})</source>
      <translation>与 #{0} 为同一客户（保存 #{1} 时发现）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/comebacks.py" line="116" />
      <source>same kind of part ({category})</source>
      <translation>同类配件（{category}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/comebacks.py" line="118" />
      <source>same labour class ({labour_class})</source>
      <translation>相同工时类别（{labour_class}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/comebacks.py" line="114" />
      <source>same part {number}</source>
      <translation>相同配件 {number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/customers.py" line="207" />
      <source>same phone {phone}</source>
      <translation>相同电话 {phone}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/customers.py" line="211" />
      <source>same tax ID {tax_id}</source>
      <translation>相同税号 {tax_id}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reprint_dialog.py" line="70" />
      <source>scan or type the number: {examples}</source>
      <translation>扫描或输入编号：{examples}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="326" />
      <source>scanner test sheet</source>
      <translation>扫描枪测试页</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="117" />
      <source>schema version</source>
      <translation>数据库结构版本</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="470" />
      <source>scrapped</source>
      <translation>已报废</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="43" />
      <source>see a customer's contact details and account</source>
      <translation>查看客户的联系方式和挂账信息</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="37" />
      <source>see cost prices</source>
      <translation>查看成本价</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="56" />
      <source>sell at the counter</source>
      <translation>柜台销售</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/tender_dialog.py" line="274" />
      <source>sell below the gross-profit floor (sale of {total})</source>
      <translation>低于毛利下限销售（销售额 {total}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="57" />
      <source>sell below the gross-profit floor of your role</source>
      <translation>以低于本角色毛利下限的价格销售</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="58" />
      <source>sell more than the stock on hand</source>
      <translation>超出在库数量销售</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/tender_dialog.py" line="276" />
      <source>sell more than the stock on hand (sale of {total})</source>
      <translation>超出在库数量销售（销售额 {total}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="51" />
      <source>sell on account over the credit limit or with overdue invoices</source>
      <translation>超出信用额度或有逾期发票时挂账销售</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/money.py" line="139" />
      <source>set</source>
      <translation>套</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="48" />
      <source>set a customer's class by hand</source>
      <translation>手动设置客户分类</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="206" />
      <source>set the class of {0} to {1}</source>
      <translation>将 {0} 的分类设为 {1}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="170" />
      <source>set the credit limit of {0} to {1}, {2} days</source>
      <translation>将 {0} 的信用额度设为 {1}，账期 {2} 天</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="70" />
      <source>set up bays, labour classes and canned jobs</source>
      <translation>设置工位、工时类别和标准套餐</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/comebacks.py" line="121" />
      <source>shared words: {words}</source>
      <translation>相同关键词：{words}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="827" />
      <source>short</source>
      <translation>短缺</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="495" />
      <source>short by {qty}</source>
      <translation>少 {qty}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="925" />
      <source>short on stock</source>
      <translation>库存不足</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="95" />
      <source>short, e.g. B4</source>
      <translation>简短，例如 B4</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="125" />
      <source>short, e.g. ELEC</source>
      <translation>简短，例如 ELEC</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="165" />
      <source>short, e.g. OIL</source>
      <translation>简短，例如 OIL</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="184" />
      <source>state</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="116" />
      <source>statement of account #{number}</source>
      <translation>对账单 #{number}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="173" />
      <source>stock ledger</source>
      <translation>库存流水</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_reports_view.py" line="270" />
      <source>stock report</source>
      <translation>库存报表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="206" />
      <source>street, town (one line)</source>
      <translation>街道、城市（一行）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="827" />
      <source>substitute</source>
      <translation>替代品</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="415" />
      <source>substitute (not on {number})</source>
      <translation>替代品（不在 {number} 上）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/complaints_register.py" line="126" />
      <source>t&amp;o</source>
      <translation>至(&amp;O)</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="84" />
      <source>tab</source>
      <translation>Tab 键</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="49" />
      <source>take a payment on account</source>
      <translation>收取挂账付款</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="52" />
      <source>take a prepaid top-up</source>
      <translation>办理储值充值</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="59" />
      <source>take a return past the return window or above the set value</source>
      <translation>受理超过退货期限或超出设定金额的退货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="140" />
      <source>take an order priced below the gross-profit floor</source>
      <translation>接受价格低于毛利下限的订单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="495" />
      <source>take back goods worth {total} against {number}: {why}</source>
      <translation>按 {number} 收回价值 {total} 的商品：{why}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="101" />
      <source>takes stock off</source>
      <translation>减少库存</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="410" />
      <source>tendered {tendered}, change {change}</source>
      <translation>实收 {tendered}，找零 {change}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/cash_up.py" line="287" />
      <source>terminal {terminal}</source>
      <translation>收银台 {terminal}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/shop.py" line="72" />
      <source>the PostgreSQL database {name} on {host}</source>
      <translation>{host} 上的 PostgreSQL 数据库 {name}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/shop.py" line="92" />
      <source>the SQLite file {path}</source>
      <translation>SQLite 文件 {path}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stepup.py" line="61" />
      <source>the approver's PIN or password</source>
      <translation>批准人的PIN码或密码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/models/migrations.py" line="1328" />
      <source>the backup made before migrating failed its integrity check: {result}</source>
      <translation>迁移前所做的备份未通过完整性检查：{result}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="133" />
      <source>the cash counted in the drawer</source>
      <translation>钱箱中实点的现金</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1379" />
      <source>the customer</source>
      <translation>客户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="314" />
      <source>the customer's name, or what tells it apart: "blue van"</source>
      <translation>客户姓名，或可区分的描述：“蓝色面包车”</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="222" />
      <source>the customer's price {price}</source>
      <translation>该客户的价格 {price}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="67" />
      <source>the database file is damaged; restore the newest good backup</source>
      <translation>数据库文件已损坏；请恢复最新的完好备份</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="66" />
      <source>the database file is sound</source>
      <translation>数据库文件完好</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="95" />
      <source>the garage's order number, or the caller's name</source>
      <translation>修理厂的订单号，或来电人姓名</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/first_run.py" line="295" />
      <source>the name shown on screen</source>
      <translation>屏幕上显示的名称</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/labels.py" line="232" />
      <source>the quantity {qty!r} of {number} is not a whole number</source>
      <translation>{number} 的数量 {qty!r} 不是整数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/returns.py" line="290" />
      <source>the return is worth {amount} (above {limit})</source>
      <translation>退货金额为 {amount}（超过 {limit}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="61" />
      <source>the server answers ({version}); page-level checks of PostgreSQL are the server's job (pg_amcheck)</source>
      <translation>服务器有响应（{version}）；PostgreSQL 的页级检查由服务器负责（pg_amcheck）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="253" />
      <source>to</source>
      <translation>至</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="333" />
      <source>to quarantine</source>
      <translation>移入隔离区</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="75" />
      <source>trade</source>
      <translation>修理厂</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="672" />
      <source>unexpected error: {kind}: {error}. Run again with PARTSDESK_DEBUG=1 for details, and tell support.</source>
      <translation>意外错误：{kind}：{error}。请设置 PARTSDESK_DEBUG=1 后重新运行以查看详细信息，并告知技术支持。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1093" />
      <source>unknown</source>
      <translation>未知</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="909" />
      <source>unknown barcode</source>
      <translation>未知条码</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1305" />
      <source>unknown barcodes kept: {codes}</source>
      <translation>保留的未知条码：{codes}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/vehicles.py" line="92" />
      <source>unknown region</source>
      <translation>未知地区</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1002" />
      <source>until {day}</source>
      <translation>至 {day}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1004" />
      <source>until {km} km</source>
      <translation>至 {km} km</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="184" />
      <source>user</source>
      <translation>用户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="573" />
      <source>usual</source>
      <translation>常规价</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/quote.py" line="200" />
      <source>valid until {date}</source>
      <translation>有效期至 {date}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1406" />
      <source>variance report</source>
      <translation>差异报表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="190" />
      <source>version {version} approved at {amount}; changed since</source>
      <translation>版本 {version} 已按 {amount} 同意；此后有修改</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="128" />
      <source>version {version}, newer than this program's {latest}; install the newer PartsDesk</source>
      <translation>版本 {version}，比本程序的 {latest} 新；请安装新版 PartsDesk</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="125" />
      <source>version {version}, older than this program's {latest}; open the shop once in PartsDesk to upgrade it (a backup is made first)</source>
      <translation>版本 {version}，比本程序的 {latest} 旧；请在 PartsDesk 中打开一次该门店以升级（会先做备份）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="123" />
      <source>version {version}, the newest this program knows</source>
      <translation>版本 {version}，本程序支持的最新版本</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_table.py" line="168" />
      <source>via OE number {0}</source>
      <translation>通过 OE号 {0}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/part_table.py" line="167" />
      <source>via interchange {0}</source>
      <translation>通过互换号 {0}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="83" />
      <source>warn</source>
      <translation>警告</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="163" />
      <source>warn: the cashier sees a warning; block: a manager must approve the sale on account.</source>
      <translation>警告：收银员会看到警告；阻止：挂账销售须经理批准。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="198" />
      <source>warranty work: no charge</source>
      <translation>质保施工：免费</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1341" />
      <source>what failed, for the technician</source>
      <translation>不合格之处，供技师参考</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="151" />
      <source>what happened (optional)</source>
      <translation>发生了什么（可选）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="445" />
      <source>what is on the shelf, all of it</source>
      <translation>货架上的全部数量</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="131" />
      <source>white Golf B-XY 123</source>
      <translation>白色高尔夫 京A·12345</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="75" />
      <source>wholesale</source>
      <translation>批发</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stepup.py" line="63" />
      <source>why (required)</source>
      <translation>原因（必填）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="330" />
      <source>why (required, goes into the audit log)</source>
      <translation>原因（必填，记入审计日志）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="197" />
      <source>why (required; goes into the audit log)</source>
      <translation>原因（必填；记入审计日志）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="160" />
      <source>with book</source>
      <translation>显示账面数</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_reports_view.py" line="339" />
      <source>workshop report</source>
      <translation>车间报表</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_editor.py" line="77" />
      <source>year-month-day</source>
      <translation>年-月-日</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="191" />
      <source>yes</source>
      <translation>是</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/care_lists.py" line="159" />
      <source>{0} ({1})</source>
      <translation>{0}（{1}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/care_lists.py" line="252" />
      <source>{0} Saved to {1}</source>
      <translation>{0} 已保存到 {1}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="307" />
      <source>{0} customers</source>
      <translation>{0} 个客户</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="336" />
      <source>{0} km</source>
      <translation>{0} km</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customers_tab.py" line="358" />
      <source>{0} member</source>
      <translation>{0}会员</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/care_lists.py" line="194" />
      <source>{0} more not shown: call these first.</source>
      <translation>另有 {0} 个未显示：请先给这些客户打电话。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="563" />
      <source>{amount} prepaid</source>
      <translation>储值 {amount}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="254" />
      <source>{arrived}: keys were lost or added on the way. Scan it again; if it happens again, set the scanner's keyboard speed slower (an “inter-character delay” of a few ms) with the code in its manual.</source>
      <translation>{arrived}：传输途中有按键丢失或多出。请重新扫描；如果再次出现，请用扫描枪说明书中的设置码调慢其键盘速度（设置几毫秒的“字符间延迟”）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="478" />
      <source>{bays} bay(s), {classes} labour class(es), {jobs} canned job(s).</source>
      <translation>{bays} 个工位，{classes} 个工时类别，{jobs} 个标准套餐。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="540" />
      <source>{booked} booked</source>
      <translation>已预约 {booked}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="541" />
      <source>{booked} of {available}</source>
      <translation>{booked} / {available}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="203" />
      <source>{card} is the card number made for customer #{id}; scan this customer's own card or leave it empty.</source>
      <translation>{card} 是为客户 #{id} 生成的卡号；请扫描该客户本人的会员卡，或留空。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/pick_list.py" line="117" />
      <source>{channel} order</source>
      <translation>{channel}订单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/pick_list.py" line="115" />
      <source>{channel} order, reference {reference}</source>
      <translation>{channel}订单，参考号 {reference}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/gtin.py" line="57" />
      <source>{code!r} cannot be a barcode: a shop code is 1 to {most} letters, digits or signs without spaces (Code 128).</source>
      <translation>{code!r} 不能作为条码：门店自编码为 1 到 {most} 个字母、数字或符号，不含空格（Code 128）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/adjustments.py" line="65" />
      <source>{code!r} is not a reason for an adjustment; choose one of: {reasons}.</source>
      <translation>{code!r} 不是库存调整原因；请选择以下之一：{reasons}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/gtin.py" line="47" />
      <source>{code} is not a valid barcode: its last digit (check digit) should be {expected}. Scan it again or check the number on the label.</source>
      <translation>{code} 不是有效的条码：其最后一位（校验位）应为 {expected}。请重新扫描，或核对标签上的号码。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_setup_view.py" line="217" />
      <source>{code} · {name} · {rate}/h</source>
      <translation>{code} · {name} · {rate}/小时</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="186" />
      <source>{count:,} created</source>
      <translation>新建 {count:,} 个</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="195" />
      <source>{count:,} invalid</source>
      <translation>无效 {count:,} 个</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="145" />
      <source>{count:,} part(s), in the order of the bins. Write the count in the box; 0 when there is none.</source>
      <translation>共 {count:,} 个配件，按货位顺序排列。请在方框中填写实盘数量；没有实物时填 0。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="192" />
      <source>{count:,} unchanged</source>
      <translation>未变 {count:,} 个</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="187" />
      <source>{count:,} updated</source>
      <translation>更新 {count:,} 个</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="186" />
      <source>{count:,} would be created</source>
      <translation>将新建 {count:,} 个</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="187" />
      <source>{count:,} would be updated</source>
      <translation>将更新 {count:,} 个</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="217" />
      <source>{counted:,} part(s) counted; {out:,} out of tolerance; {waiting:,} waiting for a recount.</source>
      <translation>已盘点 {counted:,} 个配件；{out:,} 个超出允差；{waiting:,} 个等待复盘。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="283" />
      <source>{count} anomaly(ies) flagged on the report.</source>
      <translation>报表中标出了 {count} 处异常。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="686" />
      <source>{count} appointment(s) this week. Enter opens the chosen day.</source>
      <translation>本周有 {count} 个预约。按 Enter 打开所选日期。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="335" />
      <source>{count} appointment(s) to confirm by phone.</source>
      <translation>有 {count} 个预约需电话确认。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="606" />
      <source>{count} appointment(s); working day {opens}–{closes}.</source>
      <translation>{count} 个预约；营业时间 {opens}–{closes}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="142" />
      <source>{count} audit row(s) were changed, removed or inserted outside PartsDesk</source>
      <translation>有 {count} 条审计记录在 PartsDesk 之外被修改、删除或插入</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="90" />
      <source>{count} check(s) failed.</source>
      <translation>{count} 项检查失败。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/complaints_register.py" line="194" />
      <source>{count} complaints</source>
      <translation>{count} 条投诉</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="224" />
      <source>{count} customer balance(s) or settlement(s) disagree with the ledgers</source>
      <translation>{count} 项客户余额或核销与流水不符</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="610" />
      <source>{count} customer written.</source>
      <translation>已写入 {count} 个客户。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="611" />
      <source>{count} customers written.</source>
      <translation>已写入 {count} 个客户。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cashup.py" line="547" />
      <source>{count} document(s) are dated before the previous Z report {number} closed ({closed}): check this PC's clock.</source>
      <translation>{count} 张单据的日期早于上一张Z报表 {number} 的日结时间（{closed}）：请检查本机时钟。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/search_dialog.py" line="129" />
      <source>{count} found</source>
      <translation>找到 {count} 个</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="310" />
      <source>{count} invoices overdue, {amount} (oldest {days} days).</source>
      <translation>{count} 张发票逾期，共 {amount}（最早的已逾期 {days} 天）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="472" />
      <source>{count} late order(s) to chase.</source>
      <translation>有 {count} 张逾期采购单需催货。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="613" />
      <source>{count} left out: no consent to offers.</source>
      <translation>{count} 个未列入：未同意接收优惠信息。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="615" />
      <source>{count} left out: no phone number.</source>
      <translation>{count} 个未列入：没有电话号码。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="108" />
      <source>{count} line(s) from the cart; the pick list prints once it is saved.</source>
      <translation>来自购物车的 {count} 行；保存后打印拣货单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="691" />
      <source>{count} line(s) from the quote added.</source>
      <translation>已从报价单添加 {count} 行。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1138" />
      <source>{count} line(s) lack the customer's authorization (line {lines}): a manager must approve invoicing them, with a reason.</source>
      <translation>{count} 个项目缺少客户授权（第 {lines} 项）：须经理批准并填写原因才能开具发票。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="233" />
      <source>{count} line(s) need the customer's authorization before the work is done.</source>
      <translation>{count} 个项目需在施工前获得客户授权。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="676" />
      <source>{count} line(s) of the canned job added: they need the customer's authorization.</source>
      <translation>已添加标准套餐的 {count} 个项目：需要客户授权。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/pick_list.py" line="168" />
      <source>{count} line(s) {short}: pick what the shelf holds and tell the counter.</source>
      <translation>{count} 行{short}：请按货架实有数量拣货，并告知柜台。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="971" />
      <source>{count} line(s) · tax {amount}</source>
      <translation>{count} 行 · 税 {amount}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/pick_list.py" line="165" />
      <source>{count} line(s), in the order of the bins.</source>
      <translation>共 {count} 行，按货位顺序排列。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_tab.py" line="187" />
      <source>{count} matches</source>
      <translation>{count} 个结果</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="276" />
      <source>{count} order(s) to pick or sell.</source>
      <translation>有 {count} 个订单待拣货或销售。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="475" />
      <source>{count} order(s).</source>
      <translation>{count} 个订单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1301" />
      <source>{count} out of tolerance (highlighted)</source>
      <translation>{count} 项超出允差（已高亮显示）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="557" />
      <source>{count} overdue: answer or resolve them first.</source>
      <translation>{count} 条已逾期：请先答复或解决。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_documents.py" line="363" />
      <source>{count} part line(s) wait for the customer's authorization and are not listed.</source>
      <translation>{count} 行配件等待客户授权，未列出。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="817" />
      <source>{count} part(s) have no active supplier and were not ordered.</source>
      <translation>{count} 个配件没有启用的供应商，未订货。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_tab.py" line="183" />
      <source>{count} parts</source>
      <translation>{count} 个配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="381" />
      <source>{count} parts are due today ({classes}).</source>
      <translation>今天有 {count} 个配件应循环盘点（{classes}）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_io_dialogs.py" line="168" />
      <source>{count} parts were written to
{file}</source>
      <translation>已将 {count} 个配件写入
{file}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="250" />
      <source>{count} quote(s)</source>
      <translation>{count} 张报价单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="112" />
      <source>{count} row(s) point to rows that do not exist</source>
      <translation>{count} 条记录指向不存在的记录</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="286" />
      <source>{count} sales found, newest first: choose one and press Enter.</source>
      <translation>找到 {count} 笔销售，最新的在前：选择一笔后按 Enter。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="617" />
      <source>{count} scan(s) wait for the next cart.</source>
      <translation>有 {count} 次扫码等待计入下一个购物车。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="185" />
      <source>{count} stock balance(s) disagree with the ledger</source>
      <translation>{count} 项库存余额与流水不符</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="376" />
      <source>{count} supplier(s) sell it; cheapest per unit first.</source>
      <translation>有 {count} 个供应商供应此配件；单价最低的在前。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="287" />
      <source>{count} supplier(s).</source>
      <translation>{count} 个供应商。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="110" />
      <source>{count} vehicle(s) found</source>
      <translation>找到 {count} 辆车</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1303" />
      <source>{count} wait for a recount</source>
      <translation>{count} 项等待复盘</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/catalog_tab.py" line="181" />
      <source>{count}+ matches — refine your search</source>
      <translation>超过 {count} 个结果 — 请缩小搜索范围</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="792" />
      <source>{customer} marked a no-show ({count} so far).</source>
      <translation>已将 {customer} 标记为爽约（累计 {count} 次）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="795" />
      <source>{customer} marked a no-show.</source>
      <translation>已将 {customer} 标记为爽约。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="461" />
      <source>{days} d</source>
      <translation>{days} 天</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/statement.py" line="60" />
      <source>{days} days</source>
      <translation>{days} 天</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="77" />
      <source>{day} {month}</source>
      <translation>{month}{day}日</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop_reports.py" line="56" />
      <source>{delivered} orders delivered and {checked_in} checked in in the period; workshop revenue {gross} {currency} ({net} net).</source>
      <translation>本期交车 {delivered} 张工单，接车 {checked_in} 张；车间营业收入 {gross} {currency}（净额 {net}）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cashup.py" line="541" />
      <source>{difference}: more than the {tolerance} tolerance. Count again and look for a missed pay-out or a wrong change.</source>
      <translation>{difference}：超出 {tolerance} 的允差。请重新清点，并检查是否有漏记的现金取出或找零错误。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="347" />
      <source>{document} of repair order {number} (A4): written to {out}</source>
      <translation>维修工单 {number} 的{document}（A4）：已写入 {out}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_account.py" line="116" />
      <source>{document} — open {amount}, due {due}</source>
      <translation>{document} — 未付 {amount}，{due} 到期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/labels.py" line="226" />
      <source>{entry!r} is not NUMBER[:QTY]</source>
      <translation>{entry!r} 不符合 编号[:数量] 的格式</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="209" />
      <source>{expected} arrived as {got}</source>
      <translation>{expected} 读成了 {got}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="281" />
      <source>{file} is an old Excel 97 file. Save it as .xlsx or CSV and import that.</source>
      <translation>{file} 是旧版 Excel 97 文件。请另存为 .xlsx 或 CSV 后再导入。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/backup.py" line="371" />
      <source>{file} is not a PartsDesk backup (it holds no PartsDesk tables). Nothing was changed.</source>
      <translation>{file} 不是 PartsDesk 备份（其中没有 PartsDesk 数据表）。未做任何更改。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/backup.py" line="353" />
      <source>{file} is not a PartsDesk backup (not a SQLite database). Nothing was changed.</source>
      <translation>{file} 不是 PartsDesk 备份（不是 SQLite 数据库）。未做任何更改。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/backup.py" line="466" />
      <source>{file} is the shop database itself, not a backup. Nothing was changed.</source>
      <translation>{file} 是门店数据库本身，不是备份。未做任何更改。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/backup.py" line="374" />
      <source>{file} was made by a newer PartsDesk (schema version {version}; this program knows up to {latest}). Install the newer PartsDesk to restore it. Nothing was changed.</source>
      <translation>{file} 由更新版本的 PartsDesk 创建（数据库结构版本 {version}；本程序最高支持 {latest}）。请安装新版 PartsDesk 后再恢复。未做任何更改。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="184" />
      <source>{file}: not imported; nothing was changed ({count} problem(s)).</source>
      <translation>{file}：未导入；未做任何更改（{count} 个问题）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="189" />
      <source>{file}: {rows:,} row(s) read</source>
      <translation>{file}：已读取 {rows:,} 行</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cart.py" line="133" />
      <source>{held} reserved for repair orders: at most {free} can be sold.</source>
      <translation>{held} 已为维修工单预留：最多可售 {free}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cart.py" line="134" />
      <source>{held} reserved for repair orders: none can be sold.</source>
      <translation>{held} 已为维修工单预留：无可售数量。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="74" />
      <source>{hours:.1f} hours ({days} days)</source>
      <translation>{hours:.1f} 小时（{days} 天）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1382" />
      <source>{how} — {who} (taken by {taker}), {at:%Y-%m-%d %H:%M}</source>
      <translation>{how} — {who}（经办人 {taker}），{at:%Y-%m-%d %H:%M}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1384" />
      <source>{how} — {who}, {at:%Y-%m-%d %H:%M}</source>
      <translation>{how} — {who}，{at:%Y-%m-%d %H:%M}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="783" />
      <source>{issued} already issued to the job: return the unused parts to stock first.</source>
      <translation>已向工单发料 {issued}：请先将未用配件退回库存。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="402" />
      <source>{item!r} has no letter or digit to be a part number.</source>
      <translation>{item!r} 不含字母或数字，不能作为配件编号。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="448" />
      <source>{item}: choose OK, attention or fail.</source>
      <translation>{item}：请选择合格、需注意或不合格。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="851" />
      <source>{kind} of {number}: done.</source>
      <translation>{number} 的{kind}：已完成。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/personal_data.py" line="95" />
      <source>{km:,} km</source>
      <translation>{km:,} km</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="130" />
      <source>{km} km</source>
      <translation>{km} km</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/labels.py" line="250" />
      <source>{labels:,} labels is more than one job prints (at most {most:,}).</source>
      <translation>{labels:,} 张标签超过一次打印任务的上限（最多 {most:,} 张）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="678" />
      <source>{labels} label(s) of {parts} part(s)</source>
      <translation>{parts} 个配件的 {labels} 张标签</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="432" />
      <source>{labels} label(s) of {parts} part(s) on {layout}, starting at position {start}: {pages} page(s) written to {out}</source>
      <translation>{parts} 个配件的 {labels} 张标签，版式 {layout}，从第 {start} 个位置开始：{pages} 页已写入 {out}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="436" />
      <source>{labels} label(s) of {parts} part(s) on {layout}: {pages} page(s) written to {out}</source>
      <translation>{parts} 个配件的 {labels} 张标签，版式 {layout}：{pages} 页已写入 {out}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="657" />
      <source>{labels} label(s) on {pages} page(s)</source>
      <translation>{labels} 张标签，共 {pages} 页</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="126" />
      <source>{label} cannot be in the future or before {year}.</source>
      <translation>{label}不能晚于今天，也不能早于 {year} 年。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="54" />
      <source>{label} cannot be less than {minimum}.</source>
      <translation>{label}不能小于 {minimum}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/accounts.py" line="51" />
      <source>{label} cannot be negative.</source>
      <translation>{label}不能为负数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/fields.py" line="43" />
      <source>{label} contains control characters or line breaks.</source>
      <translation>{label}含有控制字符或换行符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/complaints.py" line="262" />
      <source>{label} contains control characters.</source>
      <translation>{label}含有控制字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/catalog.py" line="200" />
      <source>{label} is above the retail price.</source>
      <translation>{label}高于零售价。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="265" />
      <source>{label} is at most {limit} characters, without control characters.</source>
      <translation>{label}最多 {limit} 个字符，且不能含控制字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="311" />
      <source>{label} is at most {maximum} characters.</source>
      <translation>{label}最多 {maximum} 个字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/fields.py" line="46" />
      <source>{label} is at most {most} characters.</source>
      <translation>{label}最多 {most} 个字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="64" />
      <source>{label} is between 0 and 100 % (0 to {most} basis points).</source>
      <translation>{label}应在 0 到 100 % 之间（0 到 {most} 个基点）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/money.py" line="161" />
      <source>{label} is between 0 and 100 %.</source>
      <translation>{label}应在 0 到 100 % 之间。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="155" />
      <source>{label} is required (e.g. B1).</source>
      <translation>{label}为必填项（例如 B1）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="52" />
      <source>{label} is required.</source>
      <translation>{label}为必填项。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/fields.py" line="60" />
      <source>{label} is too large.</source>
      <translation>{label}过大。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="98" />
      <source>{label} must be more than 0.</source>
      <translation>{label}必须大于 0。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="230" />
      <source>{label} must be more than zero.</source>
      <translation>{label}必须大于零。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="103" />
      <source>{label} — {loss}, {way}</source>
      <translation>{label} — {loss}，{way}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="63" />
      <source>{label}: 1 to {longest} digits, like 86.</source>
      <translation>{label}：1 到 {longest} 位数字，例如 86。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/first_run.py" line="140" />
      <source>{label}: 1 to {most} letters and digits, starting with a letter.</source>
      <translation>{label}：1 到 {most} 个字母和数字，以字母开头。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="157" />
      <source>{label}: 1 to {most} letters, digits or dashes.</source>
      <translation>{label}：1 到 {most} 个字母、数字或短横线。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="79" />
      <source>{label}: a PostgreSQL URL names the server and the database, like postgresql://partsdesk@192.168.1.10:5432/shop.</source>
      <translation>{label}：PostgreSQL URL 需指明服务器和数据库，例如 postgresql://partsdesk@192.168.1.10:5432/shop。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="84" />
      <source>{label}: a SQLite file (…/shop.sqlite) or a postgresql:// URL.</source>
      <translation>{label}：SQLite 文件（…/shop.sqlite）或 postgresql:// URL。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="123" />
      <source>{label}: a date as year-month-day (1980-05-17).</source>
      <translation>{label}：日期格式为 年-月-日（1980-05-17）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/fields.py" line="120" />
      <source>{label}: a date like 2026-11-30.</source>
      <translation>{label}：日期格式如 2026-11-30。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="99" />
      <source>{label}: a full path, like D:\Backups\PartsDesk.</source>
      <translation>{label}：完整路径，例如 D:\Backups\PartsDesk。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/fields.py" line="93" />
      <source>{label}: a list of at least one entry.</source>
      <translation>{label}：至少包含一项的列表。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/settings.py" line="67" />
      <source>{label}: a list.</source>
      <translation>{label}：应为列表。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/money.py" line="55" />
      <source>{label}: a number is needed.</source>
      <translation>{label}：需要填写数字。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="40" />
      <source>{label}: a time of day like 08:00 (hours 00-23, minutes 00-59).</source>
      <translation>{label}：时间格式如 08:00（小时 00-23，分钟 00-59）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="329" />
      <source>{label}: a whole number from {minimum:,} to {maximum:,}.</source>
      <translation>{label}：{minimum:,} 到 {maximum:,} 之间的整数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="52" />
      <source>{label}: a whole number is needed.</source>
      <translation>{label}：需要填写整数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/fields.py" line="58" />
      <source>{label}: a whole number of 0 or more.</source>
      <translation>{label}：0 或更大的整数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="40" />
      <source>{label}: a whole number of minor units is needed.</source>
      <translation>{label}：需要以最小货币单位表示的整数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/fields.py" line="53" />
      <source>{label}: a whole number.</source>
      <translation>{label}：应为整数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="86" />
      <source>{label}: an amount is needed.</source>
      <translation>{label}：需要填写金额。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/settings.py" line="71" />
      <source>{label}: at least {minimum}.</source>
      <translation>{label}：至少为 {minimum}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/money.py" line="132" />
      <source>{label}: at most 3 decimal places.</source>
      <translation>{label}：最多 3 位小数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/money.py" line="159" />
      <source>{label}: at most two decimal places.</source>
      <translation>{label}：最多两位小数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="54" />
      <source>{label}: at most {longest} characters.</source>
      <translation>{label}：最多 {longest} 个字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/settings.py" line="74" />
      <source>{label}: at most {maximum}.</source>
      <translation>{label}：最多为 {maximum}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/first_run.py" line="179" />
      <source>{label}: at most {most} characters.</source>
      <translation>{label}：最多 {most} 个字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/fields.py" line="95" />
      <source>{label}: at most {most} entries.</source>
      <translation>{label}：最多 {most} 项。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/money.py" line="107" />
      <source>{label}: at most {places} decimal places.</source>
      <translation>{label}：最多 {places} 位小数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/fields.py" line="99" />
      <source>{label}: each entry is 1 to {longest} characters.</source>
      <translation>{label}：每项为 1 到 {longest} 个字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/first_run.py" line="137" />
      <source>{label}: give a short code, like {prefix}.</source>
      <translation>{label}：请填写简短代码，例如 {prefix}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/first_run.py" line="177" />
      <source>{label}: it is printed on every receipt and invoice; type it.</source>
      <translation>{label}：将打印在每张小票和发票上；请填写。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="96" />
      <source>{label}: more than 0.</source>
      <translation>{label}：须大于 0。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="96" />
      <source>{label}: not 0.</source>
      <translation>{label}：不能为 0。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="49" />
      <source>{label}: one line, without line breaks or control characters.</source>
      <translation>{label}：仅限一行，不能含换行符或控制字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/settings.py" line="77" />
      <source>{label}: one of {choices}.</source>
      <translation>{label}：应为 {choices} 之一。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/settings.py" line="65" />
      <source>{label}: text.</source>
      <translation>{label}：应为文本。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="88" />
      <source>{label}: the full path of a SQLite file ending in .sqlite or .db, like C:\PartsDesk\shop.sqlite.</source>
      <translation>{label}：SQLite 文件的完整路径，以 .sqlite 或 .db 结尾，例如 C:\PartsDesk\shop.sqlite。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="309" />
      <source>{label}: this is needed.</source>
      <translation>{label}：此项必填。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cashup.py" line="240" />
      <source>{label}: type an amount, e.g. 200.00.</source>
      <translation>{label}：请输入金额，例如 200.00。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="91" />
      <source>{label}: type the amount.</source>
      <translation>{label}：请输入金额。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/fields.py" line="72" />
      <source>{label}: yes or no.</source>
      <translation>{label}：是或否。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="60" />
      <source>{label}: {done:,}/{total:,} ({percent} %)</source>
      <translation>{label}：{done:,}/{total:,}（{percent} %）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/fields.py" line="102" />
      <source>{label}: {entry} is listed twice.</source>
      <translation>{label}：{entry} 重复列出。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/config.py" line="102" />
      <source>{label}: {path} is a file, not a folder.</source>
      <translation>{label}：{path} 是文件，不是文件夹。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/first_run.py" line="143" />
      <source>{label}: {prefix} is already the prefix of {others}; each kind of document needs its own.</source>
      <translation>{label}：{prefix} 已是 {others} 的前缀；每类单据需要各自的前缀。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/money.py" line="73" />
      <source>{label}: {text!r} is not a number.</source>
      <translation>{label}：{text!r} 不是数字。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/money.py" line="58" />
      <source>{label}: {text!r} is not a usable number.</source>
      <translation>{label}：{text!r} 不是可用的数字。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/money.py" line="70" />
      <source>{label}: {text!r}… is too long to be a number.</source>
      <translation>{label}：{text!r}… 太长，不能作为数字。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/base.py" line="173" />
      <source>{label}: {value}</source>
      <translation>{label}：{value}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="432" />
      <source>{lines} line(s), {received} with goods received</source>
      <translation>{lines} 行，其中 {received} 行已收货</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1297" />
      <source>{lines} line(s); plus {plus}, minus {minus}, net {net} at cost</source>
      <translation>{lines} 行；按成本计增加 {plus}，减少 {minus}，净额 {net}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="209" />
      <source>{low} part(s) below their minimum stock</source>
      <translation>{low} 个配件低于最低库存</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="280" />
      <source>{make} {model} is already in the list.</source>
      <translation>{make} {model} 已在列表中。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="222" />
      <source>{message} Caps Lock is on as well: turn it off.</source>
      <translation>{message} 此外，Caps Lock 已打开：请将其关闭。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/orders.py" line="393" />
      <source>{message} Nothing was sold.</source>
      <translation>{message} 未售出任何商品。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="1185" />
      <source>{method} {amount}</source>
      <translation>{method} {amount}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="179" />
      <source>{method} {amount} is more than the {left} left to pay: only cash can be more (it gives change).</source>
      <translation>{method} {amount} 超过尚欠的 {left}：只有现金可以超过（会找零）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_documents.py" line="194" />
      <source>{method} — {who}, {at:%Y-%m-%d %H:%M}</source>
      <translation>{method} — {who}，{at:%Y-%m-%d %H:%M}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1378" />
      <source>{method}, signed</source>
      <translation>{method}，已签字</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/stock_reports.py" line="53" />
      <source>{months} months</source>
      <translation>{months} 个月</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_documents.py" line="62" />
      <source>{months} months or {km:,} km, whichever comes first</source>
      <translation>{months} 个月或 {km:,} km，以先到者为准</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="37" />
      <source>{month} {year}</source>
      <translation>{year}年{month}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/help_dialog.py" line="281" />
      <source>{more} — this tab uses {key} too ({other}): the key may do neither</source>
      <translation>{more} — 本页的 {key} 还用于（{other}）：此快捷键可能两者都不执行</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="236" />
      <source>{ms} ms</source>
      <translation>{ms} 毫秒</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/labels.py" line="112" />
      <source>{name:&lt;12} A4 sheet of {count} labels ({columns} x {rows}) of {width} x {height} mm; margins top {top}, left {left} mm; gaps {gap_x} / {gap_y} mm</source>
      <translation>{name:&lt;12} A4 标签纸，每张 {count} 个标签（{columns} x {rows}），标签尺寸 {width} x {height} mm；页边距 上 {top}、左 {left} mm；间距 {gap_x} / {gap_y} mm</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/labels.py" line="110" />
      <source>{name:&lt;12} roll of {width} x {height} mm labels, one a page</source>
      <translation>{name:&lt;12} {width} x {height} mm 卷装标签，每页一张</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="281" />
      <source>{name} (inactive)</source>
      <translation>{name}（已停用）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="712" />
      <source>{name} (inactive: not ordered)</source>
      <translation>{name}（已停用：不订货）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/main_window.py" line="170" />
      <source>{name} ({role})</source>
      <translation>{name}（{role}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/users.py" line="251" />
      <source>{name} ({role}) may not approve this: may not {action}.</source>
      <translation>{name}（{role}）不能批准此操作：无权{action}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/accounts.py" line="353" />
      <source>{name} has no account (credit limit 0): sell for payment now, or ask a manager to set a credit limit.</source>
      <translation>{name} 未开通挂账（信用额度 0）：请改为当场付款，或请经理设置信用额度。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="310" />
      <source>{name} has {balance:,} points; taking off {points:,} would leave less than 0.</source>
      <translation>{name} 有 {balance:,} 积分；扣减 {points:,} 积分后将小于 0。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="286" />
      <source>{name} has {balance:,} points; {points:,} cannot be redeemed.</source>
      <translation>{name} 有 {balance:,} 积分；无法兑换 {points:,} 积分。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="399" />
      <source>{name} has {balance} prepaid; {amount} cannot be paid from it.</source>
      <translation>{name} 的储值余额为 {balance}；无法从中支付 {amount}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="453" />
      <source>{name} has {balance} prepaid; {amount} would leave less than 0.</source>
      <translation>{name} 的储值余额为 {balance}；扣减 {amount} 后将小于 0。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="211" />
      <source>{name} is a member since {day} already.</source>
      <translation>{name} 自 {day} 起已是会员。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="241" />
      <source>{name} is disabled and cannot log in.</source>
      <translation>{name} 已被禁用，无法登录。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/users.py" line="182" />
      <source>{name} is disabled. Ask an administrator.</source>
      <translation>{name} 已停用。请联系管理员。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/users.py" line="186" />
      <source>{name} is locked after too many wrong tries. Try again in {minutes} min or ask a manager to reset the PIN.</source>
      <translation>{name} 因错误次数过多已被锁定。请在 {minutes} 分钟后重试，或请经理重置PIN码。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="154" />
      <source>{name} is not a member yet. Enrol them first (the Membership section).</source>
      <translation>{name} 还不是会员。请先办理入会（“会员”部分）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="596" />
      <source>{name} is not a member yet: enrol them to print a card.</source>
      <translation>{name} 还不是会员：请先办理入会再打印会员卡。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="280" />
      <source>{name} is the only active bay: add or reactivate another bay first.</source>
      <translation>{name} 是唯一启用的工位：请先添加或重新启用另一个工位。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop_setup.py" line="361" />
      <source>{name} is the only active labour class: add or reactivate another first.</source>
      <translation>{name} 是唯一启用的工时类别：请先添加或重新启用另一个。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/users_dialog.py" line="240" />
      <source>{name} may log in again.</source>
      <translation>{name} 可以重新登录了。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/cashup_dialog.py" line="194" />
      <source>{name} may not cash up: ask a manager.</source>
      <translation>{name} 无权交班结算：请联系经理。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/login.py" line="84" />
      <source>{name} — {role}</source>
      <translation>{name} — {role}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/checkin_dialog.py" line="277" />
      <source>{name}: add the vehicle (F3)</source>
      <translation>{name}：添加车辆（F3）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/settings.py" line="151" />
      <source>{name}: no such setting.</source>
      <translation>{name}：没有此设置。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="773" />
      <source>{name}: nothing more to order</source>
      <translation>{name}：没有更多需订购的配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="769" />
      <source>{name}: {first}–{last} of {total}</source>
      <translation>{name}：第 {first}–{last} 项，共 {total} 项</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="340" />
      <source>{number!r} cannot be a part number: at most {most} characters with at least one letter or digit.</source>
      <translation>{number!r} 不能作为配件编号：最多 {most} 个字符，且至少包含一个字母或数字。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog_io.py" line="404" />
      <source>{number!r}… is longer than {most} characters.</source>
      <translation>{number!r}… 超过 {most} 个字符。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cashup.py" line="529" />
      <source>{numbers} and {count} more</source>
      <translation>{numbers} 及另外 {count} 个</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="305" />
      <source>{number} ({status}, {lines} line(s) owed)</source>
      <translation>{number}（{status}，{lines} 行未到货）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="812" />
      <source>{number} ({supplier}, {lines} line(s))</source>
      <translation>{number}（{supplier}，{lines} 行）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/labels.py" line="236" />
      <source>{number} asks for {qty} labels (give 1 to {most:,})</source>
      <translation>{number} 要求打印 {qty} 张标签（请填写 1 到 {most:,}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/labels.py" line="59" />
      <source>{number} asks for {qty} labels: give a whole number from 1 to {most:,}.</source>
      <translation>{number} 要求打印 {qty} 张标签：请填写 1 到 {most:,} 之间的整数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="382" />
      <source>{number} cancelled.</source>
      <translation>{number} 已取消。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="606" />
      <source>{number} closed: what was still open is no longer on order.</source>
      <translation>{number} 已关闭：未到货的部分不再在途。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/returns.py" line="233" />
      <source>{number} has no line {line} (it has lines 1 to {last}).</source>
      <translation>{number} 没有第 {line} 行（只有第 1 到 {last} 行）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="521" />
      <source>{number} has no line {line}.</source>
      <translation>{number} 没有第 {line} 行。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="583" />
      <source>{number} has no lines. Add the parts to order before sending it.</source>
      <translation>{number} 没有任何行。请先添加要订购的配件再发送。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/sale_documents.py" line="245" />
      <source>{number} is a receipt, not a credit note.</source>
      <translation>{number} 是小票，不是红字冲销单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/sale_documents.py" line="244" />
      <source>{number} is an invoice, not a credit note.</source>
      <translation>{number} 是发票，不是红字冲销单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="732" />
      <source>{number} is an order to {supplier}, not to {other}. Check the delivery note.</source>
      <translation>{number} 是向 {supplier} 下的采购单，不是向 {other}。请核对送货单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="317" />
      <source>{number} is cancelled.</source>
      <translation>{number} 已取消。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="862" />
      <source>{number} is cancelled; its parts are free for the counter again.</source>
      <translation>{number} 已取消；其配件重新可供柜台销售。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="594" />
      <source>{number} is expected on {day}.</source>
      <translation>{number} 预计 {day} 到货。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1258" />
      <source>{number} is finished: a manager reviews and posts it.</source>
      <translation>{number} 已完成：由经理审核并过账。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reprint_dialog.py" line="121" />
      <source>{number} is not a document this screen reprints: the number starts with {prefixes}.</source>
      <translation>{number} 不是本窗口可补打的单据：编号应以 {prefixes} 开头。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/labels.py" line="96" />
      <source>{number} is the number of parts of several brands ({brands}): write it as {number}@BRAND</source>
      <translation>{number} 是多个品牌配件的编号（{brands}）：请写作 {number}@品牌</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/labels.py" line="205" />
      <source>{number} is {status}, not posted: labels are printed from a posted count.</source>
      <translation>{number} 当前为{status}，尚未过账：标签须根据已过账的盘点打印。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="739" />
      <source>{number} is {status}: goods cannot be received against it. Receive without an order instead.</source>
      <translation>{number} 当前为{status}：不能按其收货。请改为无采购单收货。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="737" />
      <source>{number} is {status}: goods cannot be received against it. Send it first. Receive without an order instead.</source>
      <translation>{number} 当前为{status}：不能按其收货。请先发送，或改为无采购单收货。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="603" />
      <source>{number} is {status}: it cannot be cancelled.</source>
      <translation>{number} 当前为{status}：不能取消。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="601" />
      <source>{number} is {status}: it cannot be cancelled. Close it instead: the rest is then no longer expected.</source>
      <translation>{number} 当前为{status}：不能取消。请改为关闭：剩余部分将不再等待到货。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="805" />
      <source>{number} is {status}: it is delivered once it passed its quality check.</source>
      <translation>{number} 当前为{status}：质检通过后才能交车。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="534" />
      <source>{number} is {status}: nothing more is expected.</source>
      <translation>{number} 当前为{status}：不再等待到货。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="456" />
      <source>{number} is {status}: only a draft order can be changed. Start a new order for more parts.</source>
      <translation>{number} 当前为{status}：只能修改草稿采购单。如需更多配件，请新建采购单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="623" />
      <source>{number} is {status}: only a sent order can be closed.</source>
      <translation>{number} 当前为{status}：只能关闭已发送的采购单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="621" />
      <source>{number} is {status}: only a sent order can be closed. Cancel a draft instead.</source>
      <translation>{number} 当前为{status}：只能关闭已发送的采购单。草稿请直接取消。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/workshop.py" line="1416" />
      <source>{number} line {line_no}</source>
      <translation>{number} 第 {line_no} 项</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="372" />
      <source>{number} marked picked.</source>
      <translation>{number} 已标记为已拣货。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="441" />
      <source>{number} opened.</source>
      <translation>已开立维修工单 {number}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1375" />
      <source>{number} posted: {moves} stock move(s) for {lines} line(s); plus {plus}, minus {minus} at cost.</source>
      <translation>{number} 已过账：{lines} 行共 {moves} 笔库存变动；按成本计增加 {plus}，减少 {minus}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="706" />
      <source>{number} removed.</source>
      <translation>已删除 {number}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/orders_dialog.py" line="320" />
      <source>{number} selected ({customer}): Enter sells it.</source>
      <translation>已选择 {number}（{customer}）：按 Enter 销售。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="634" />
      <source>{number} sent.</source>
      <translation>{number} 已发送。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="647" />
      <source>{number} sent. </source>
      <translation>{number} 已发送。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="507" />
      <source>{number} to {supplier} — {status}, {lines} line(s), total {total}</source>
      <translation>{number} 致 {supplier} — {status}，{lines} 行，合计 {total}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="685" />
      <source>{number} was not printed: {error}</source>
      <translation>{number} 未打印：{error}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="678" />
      <source>{number} was not saved to {path}: {error}.</source>
      <translation>{number} 未保存到 {path}：{error}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/returns.py" line="287" />
      <source>{number} was sold {days} days ago (returns within {window} days)</source>
      <translation>{number} 于 {days} 天前售出（退货期限为 {window} 天）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="640" />
      <source>{number} {name} is no longer sold (barcode {code}). Nothing was added.</source>
      <translation>{number} {name} 已停售（条码 {code}）。未添加任何内容。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="617" />
      <source>{number} {name} is no longer sold. Nothing was added.</source>
      <translation>{number} {name} 已停售。未添加任何内容。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="330" />
      <source>{number} · {brand} · {name} — on hand {qty}</source>
      <translation>{number} · {brand} · {name} — 在库 {qty}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_complaints.py" line="365" />
      <source>{number} · {customer} · {status}{overdue}</source>
      <translation>{number} · {customer} · {status}{overdue}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="310" />
      <source>{number} · {date} · {customer} · total {total} · {days} day(s) ago</source>
      <translation>{number} · {date} · {customer} · 合计 {total} · {days} 天前</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="915" />
      <source>{number} · {scope} · {blind}{recount}</source>
      <translation>{number} · {scope} · {blind}{recount}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1010" />
      <source>{number}: +{plus} → {qty}</source>
      <translation>{number}：+{plus} → {qty}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1010" />
      <source>{number}: +{plus} → {qty}. The same code again a moment ago: undo (Ctrl+Z) if the scanner read it twice.</source>
      <translation>{number}：+{plus} → {qty}。刚刚扫到了相同的条码：如果扫描枪重复读取，请撤销（Ctrl+Z）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="142" />
      <source>{number}: Enter opens the order</source>
      <translation>{number}：按 Enter 打开工单</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="1168" />
      <source>{number}: change {change}</source>
      <translation>{number}：找零 {change}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1036" />
      <source>{number}: counted {qty} (typed).</source>
      <translation>{number}：实盘 {qty}（手动输入）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="1187" />
      <source>{number}: refund {total} ({how})</source>
      <translation>{number}：退款 {total}（{how}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="349" />
      <source>{number}: {lines} line(s) still owed. Scan what came in.</source>
      <translation>{number}：还有 {lines} 行未到货。请扫描到货的配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/sales.py" line="183" />
      <source>{number}: {message}</source>
      <translation>{number}：{message}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="397" />
      <source>{number}: {part} {qty}, {value} at cost.</source>
      <translation>{number}：{part} {qty}，成本金额 {value}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="655" />
      <source>{number}: {qty} in the cart</source>
      <translation>{number}：购物车中 {qty}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="797" />
      <source>{number}: {qty} not in stock recorded as a lost sale.</source>
      <translation>{number}：缺货 {qty}，已记为流失销售。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="471" />
      <source>{number}: {qty} of {part} {words}.</source>
      <translation>{number}：{part} {qty} {words}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="525" />
      <source>{number}: {qty} received.</source>
      <translation>{number}：已收货 {qty}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="620" />
      <source>{n} line(s) with goods in quarantine.</source>
      <translation>{n} 行有货物在隔离区。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="164" />
      <source>{n} open order(s). Enter opens the selected one; Ctrl+N checks a vehicle in.</source>
      <translation>{n} 张未结工单。按 Enter 打开所选工单；按 Ctrl+N 接车。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="261" />
      <source>{n} order(s). Enter opens the selected one.</source>
      <translation>{n} 张工单。按 Enter 打开所选工单。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="364" />
      <source>{options} only go with layout {layout}; {name} has its own measurements (see --list-layouts).</source>
      <translation>{options} 只能用于版式 {layout}；{name} 有其自己的尺寸（见 --list-layouts）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="624" />
      <source>{order} is now {status}.</source>
      <translation>{order} 现为{status}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1005" />
      <source>{order} line {n}: {what} — delivered {day}{tech}; warranty {until}; {why}</source>
      <translation>{order} 第 {n} 项：{what} — {day} 交车{tech}；质保：{until}；{why}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="323" />
      <source>{overdue} overdue, {due} due today, {soon} due soon</source>
      <translation>{overdue} 条逾期，{due} 条今天到期，{soon} 条即将到期</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="312" />
      <source>{pace:.0f} km a day; last reading {km} km</source>
      <translation>每天 {pace:.0f} km；上次读数 {km} km</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="520" />
      <source>{parts} part(s) in the scope of {number} were not counted. They hold {qty} on the book, worth {value} at cost. What becomes of them?</source>
      <translation>{number} 范围内有 {parts} 个配件未盘点。其账面数量为 {qty}，成本金额 {value}。如何处理？</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="938" />
      <source>{parts} part(s) of {number} wait for a recount: count them again first.</source>
      <translation>{number} 中有 {parts} 个配件等待复盘：请先重新盘点。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="573" />
      <source>{part} added to {number} as line {line}.</source>
      <translation>已将 {part} 添加到 {number}，为第 {line} 行。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="183" />
      <source>{part} at {location}: {balance}, {ledger}</source>
      <translation>{part} 位于 {location}：{balance}，{ledger}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="492" />
      <source>{part} is already in the catalogue with this brand and number; open that part instead.</source>
      <translation>{part} 已在配件目录中（相同品牌和编号）；请直接打开该配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="442" />
      <source>{part} is already on {number} (line {line}). Remove that line and add the part again with the new quantity.</source>
      <translation>{part} 已在 {number} 中（第 {line} 行）。请删除该行，再以新数量重新添加此配件。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/shop.py" line="82" />
      <source>{path} is on a network share ({share}); SQLite corrupts files shared over a network. Use PostgreSQL for several terminals.</source>
      <translation>{path} 位于网络共享（{share}）上；通过网络共享的 SQLite 文件会损坏。多台收银台请使用 PostgreSQL。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="561" />
      <source>{points:,} points</source>
      <translation>{points:,} 积分</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="175" />
      <source>{points:,} points ({amount}) are more than the {left} left to pay: redeem at most {most:,} points.</source>
      <translation>{points:,} 积分（{amount}）超过尚欠的 {left}：最多兑换 {most:,} 积分。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/tender.py" line="191" />
      <source>{points:,} points are more than the customer's {balance:,} points.</source>
      <translation>{points:,} 积分超过客户现有的 {balance:,} 积分。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_membership.py" line="93" />
      <source>{points} points now</source>
      <translation>当前积分 {points}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="341" />
      <source>{price} ({net} before tax)</source>
      <translation>{price}（税前 {net}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/labels.py" line="106" />
      <source>{problems}. No labels were made.</source>
      <translation>{problems}。未生成任何标签。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stock_tab.py" line="209" />
      <source>{qty} is on order.</source>
      <translation>在途 {qty}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/pick_list.py" line="78" />
      <source>{qty} on shelf</source>
      <translation>货架上 {qty}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="423" />
      <source>{qty} to quarantine</source>
      <translation>{qty} 移入隔离区</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="831" />
      <source>{qty} to quarantine: {reason}</source>
      <translation>{qty} 移入隔离区：{reason}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/returns.py" line="333" />
      <source>{reasons}. {denied}</source>
      <translation>{reasons}。{denied}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="164" />
      <source>{reason} ({sources}; the better applies)</source>
      <translation>{reason}（{sources}；取较优者）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/adjustments.py" line="75" />
      <source>{reason} puts stock on: enter the quantity as a positive number.</source>
      <translation>{reason}会增加库存：请以正数输入数量。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/adjustments.py" line="72" />
      <source>{reason} takes stock off: enter the quantity as a negative number.</source>
      <translation>{reason}会减少库存：请以负数输入数量。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="172" />
      <source>{reason}.</source>
      <translation>{reason}。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="167" />
      <source>{reason}; member discount {discount} on top</source>
      <translation>{reason}；另享会员折扣 {discount}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="170" />
      <source>{reason}; the member discount ({discount}) is for {tiers} prices only</source>
      <translation>{reason}；会员折扣（{discount}）仅适用于{tiers}价</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/catalog.py" line="469" />
      <source>{role} {name} may not change cost prices. Ask a manager.</source>
      <translation>{role} {name} 无权修改成本价。请联系经理。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/permissions.py" line="144" />
      <source>{role} {name} may not {action}. Ask a manager to approve it.</source>
      <translation>{role} {name} 无权{action}。请联系经理批准。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="136" />
      <source>{rows:,} audit rows, every link and hash holds</source>
      <translation>{rows:,} 条审计记录，所有链接和哈希值均有效</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="101" />
      <source>{rule}: one of {tiers}.</source>
      <translation>{rule}：应为 {tiers} 之一。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/counts.py" line="97" />
      <source>{scope}: {values}</source>
      <translation>{scope}：{values}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="78" />
      <source>{score:.1f} of 5 ({closed} closed)</source>
      <translation>{score:.1f} 分（满分 5 分，已关闭 {closed} 条）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/workshop.py" line="214" />
      <source>{section} total</source>
      <translation>{section}合计</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/count_view.py" line="1340" />
      <source>{sent} part(s) of {number} sent for a recount: open the count (Enter on the list) and scan them again.</source>
      <translation>{number} 中有 {sent} 个配件已送去复盘：请打开盘点（在列表中按 Enter）并重新扫码。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/cashup.py" line="530" />
      <source>{series}: {count} number(s) missing between {first} and {last} ({shown}). Look for a document that was never saved.</source>
      <translation>{series}：{first} 与 {last} 之间缺少 {count} 个编号（{shown}）。请查找是否有未保存的单据。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="385" />
      <source>{service} done.</source>
      <translation>{service} 已完成。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/reminders_view.py" line="384" />
      <source>{service} done; the next one is on the list.</source>
      <translation>{service} 已完成；下一次已加入列表。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="75" />
      <source>{share:.1f}% ({overdue} of {received})</source>
      <translation>{share:.1f}%（{received} 条中 {overdue} 条）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="218" />
      <source>{side} {document}: {amount} settled by {settled}</source>
      <translation>{side} {document}：金额 {amount}，已核销 {settled}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="162" />
      <source>{source}: {tier}</source>
      <translation>{source}：{tier}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/call_sheet.py" line="41" />
      <source>{start} to {end}</source>
      <translation>{start} 至 {end}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_reports_view.py" line="304" />
      <source>{start} to {end}: {delivered} orders delivered, {checked_in} checked in; workshop revenue {gross} {cur} ({net} net).</source>
      <translation>{start} 至 {end}：交车 {delivered} 张工单，接车 {checked_in} 张；车间营业收入 {gross} {cur}（净额 {net}）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="188" />
      <source>{state}, locked until {until} UTC</source>
      <translation>{state}，锁定至 {until} UTC</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="620" />
      <source>{status} ⚠ clash</source>
      <translation>{status} ⚠ 冲突</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="503" />
      <source>{stock}: selling {asked} needs a manager's approval ({short}).</source>
      <translation>{stock}：销售 {asked} 需经理批准（{short}）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="499" />
      <source>{stock}: selling {asked} takes the stock below zero ({short}).</source>
      <translation>{stock}：销售 {asked} 将使库存低于零（{short}）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="507" />
      <source>{stock}: {most} ({short}).</source>
      <translation>{stock}：{most}（{short}）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/pricing.py" line="160" />
      <source>{subject}: {tier} prices</source>
      <translation>{subject}：{tier}价</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="375" />
      <source>{supplier} is marked inactive. Make the supplier active again first.</source>
      <translation>{supplier} 已标记为停用。请先重新启用该供应商。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/purchasing.py" line="469" />
      <source>{supplier} is marked inactive. Make the supplier active again to order from it.</source>
      <translation>{supplier} 已标记为停用。请重新启用该供应商后再向其订货。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="418" />
      <source>{supplier} is now the preferred supplier of {part}.</source>
      <translation>{supplier} 现为 {part} 的首选供应商。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/suppliers_view.py" line="429" />
      <source>{supplier}'s price removed.</source>
      <translation>已删除 {supplier} 的价格。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="108" />
      <source>{table} row {rowid}: points to a missing {parent}</source>
      <translation>{table} 第 {rowid} 行：指向不存在的{parent}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="102" />
      <source>{table}.{column} = {value}: no such {parent}</source>
      <translation>{table}.{column} = {value}：没有此{parent}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/help_dialog.py" line="138" />
      <source>{tab} tab</source>
      <translation>“{tab}”页</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/customers.py" line="96" />
      <source>{text!r} is not an e-mail address (name@example.com).</source>
      <translation>{text!r} 不是电子邮件地址（name@example.com）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="240" />
      <source>{text} after</source>
      <translation>后缀 {text}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="239" />
      <source>{text} before</source>
      <translation>前缀 {text}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_membership.py" line="243" />
      <source>{tier} · card {card} · member since {since}</source>
      <translation>{tier} · 会员卡 {card} · 入会日期 {since}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="293" />
      <source>{title} {number} of {at} against {reference}, total refunded {amount} {currency}{copy} (A4): written to {out}</source>
      <translation>{title} {number}（{at}），原单 {reference}，退款合计 {amount} {currency}{copy}（A4）：已写入 {out}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="282" />
      <source>{title} {number} of {at}, total {amount} {currency}{copy} ({paper}): written to {out}</source>
      <translation>{title} {number}（{at}），合计 {amount} {currency}{copy}（{paper}）：已写入 {out}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="392" />
      <source>{total} ({currency})</source>
      <translation>{total}（{currency}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/purchasing_view.py" line="724" />
      <source>{total} part(s) to order from {suppliers} supplier(s); Ctrl+D makes the draft orders for {ordered} of them.</source>
      <translation>需向 {suppliers} 个供应商订购 {total} 个配件；按 Ctrl+D 为其中 {ordered} 个生成采购单草稿。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="126" />
      <source>{total} — {n} line(s) wait for the customer</source>
      <translation>{total} — {n} 个项目等待客户答复</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/stepup.py" line="45" />
      <source>{user} asks to: {action}</source>
      <translation>{user} 申请：{action}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="212" />
      <source>{user} is now disabled.</source>
      <translation>{user} 已停用。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="210" />
      <source>{user} is now enabled.</source>
      <translation>{user} 已启用。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/help_dialog.py" line="231" />
      <source>{view} view</source>
      <translation>{view}视图</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="248" />
      <source>{wanted} as {came}</source>
      <translation>{wanted} 变成 {came}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/membership.py" line="564" />
      <source>{ways} to {tier}</source>
      <translation>距{tier}还差 {ways}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/return_dialog.py" line="317" />
      <source>{what} (core deposit of line {line})</source>
      <translation>{what}（第 {line} 行的旧件押金）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="171" />
      <source>{what} again: </source>
      <translation>再次输入{what}：</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/appointments.py" line="261" />
      <source>{what} is also booked {day:%a %d %b} {start}–{end} for {customer} (appointment #{appointment_id}).</source>
      <translation>{what} 在 {day:%a %d %b} {start}–{end} 还有 {customer} 的预约（预约 #{appointment_id}）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="168" />
      <source>{what} is required (give it as an option, or '-' to read it from standard input).</source>
      <translation>{what}为必填项（可作为选项提供，或用 '-' 从标准输入读取）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/labels.py" line="208" />
      <source>{what} {text!r} should be {count} numbers in mm.</source>
      <translation>{what} {text!r} 应为 {count} 个以 mm 为单位的数字。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="170" />
      <source>{what}: </source>
      <translation>{what}：</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/count_sheet.py" line="71" />
      <source>{when} by {name}</source>
      <translation>{when}（{name}）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/sale_documents.py" line="220" />
      <source>{when} · terminal {terminal}</source>
      <translation>{when} · 收银台 {terminal}</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="559" />
      <source>{where}: say why the rejected goods go to quarantine (damaged, wrong part, …).</source>
      <translation>{where}：请说明拒收货物移入隔离区的原因（损坏、配件错误…）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="549" />
      <source>{where}: the received quantity is not a quantity (e.g. 4 or 2.5).</source>
      <translation>{where}：收货数量不是有效数量（例如 4 或 2.5）。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="554" />
      <source>{where}: the rejected quantity is from 0 to what was received.</source>
      <translation>{where}：拒收数量应在 0 到收货数量之间。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="572" />
      <source>{where}: the unit cost cannot be negative.</source>
      <translation>{where}：单位成本不能为负数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/reminders.py" line="66" />
      <source>{where}: {key} is a whole number from 0 (not by {key}) to {largest:,}.</source>
      <translation>{where}：{key} 为 0（不按{key}）到 {largest:,} 之间的整数。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/quote_dialog.py" line="83" />
      <source>{who} · {count} part line(s)</source>
      <translation>{who} · {count} 行配件</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/settings_dialog.py" line="176" />
      <source>{width} mm</source>
      <translation>{width} mm</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/cli.py" line="281" />
      <source>{width} mm roll</source>
      <translation>{width} mm 卷纸</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/customer_care.py" line="109" />
      <source>– not asked –</source>
      <translation>– 未询问 –</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="77" />
      <source>— (none closed)</source>
      <translation>—（尚无已关闭的投诉）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/complaints_report.py" line="73" />
      <source>— (none resolved)</source>
      <translation>—（尚无已解决的投诉）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/adjustments_view.py" line="146" />
      <source>— choose the reason —</source>
      <translation>— 请选择原因 —</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/receiving_view.py" line="285" />
      <source>— choose the supplier —</source>
      <translation>— 请选择供应商 —</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="140" />
      <source>— no bay yet —</source>
      <translation>— 暂未分配工位 —</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="144" />
      <source>— no technician yet —</source>
      <translation>— 暂未分配技师 —</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1086" />
      <source>— none —</source>
      <translation>— 无 —</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="1382" />
      <source>— not asked —</source>
      <translation>— 未询问 —</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/repair_order_dialog.py" line="888" />
      <source>— not yet —</source>
      <translation>— 暂未分配 —</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/domain/scanner_calibration.py" line="76" />
      <source>“y” and “z” are swapped</source>
      <translation>“y”和“z”互换</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="431" />
      <source>“{question}” is answered twice.</source>
      <translation>“{question}”被回答了两次。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/care.py" line="428" />
      <source>“{question}” is not a question of the survey.</source>
      <translation>“{question}”不是本满意度调查中的问题。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/services/check.py" line="46" />
      <source>… and {count} more</source>
      <translation>… 另有 {count} 项</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/counter_tab.py" line="946" />
      <source>… and {count} more (point at a red line to see why)</source>
      <translation>… 另有 {count} 项（将鼠标指向红色行可查看原因）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/printing/call_sheet.py" line="66" />
      <source>… and {count} more not printed: work through these first, then print again.</source>
      <translation>… 另有 {count} 项未打印：请先处理这些，然后再打印。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/workshop_tab.py" line="158" />
      <source>… and {n} more: find them in Orders (Ctrl+2)</source>
      <translation>… 另有 {n} 张：请在“工单”页中查找（Ctrl+2）</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/appointments_view.py" line="609" />
      <source>⚠ {count} appointment(s) clash: a bay or technician is booked twice. </source>
      <translation>⚠ {count} 个预约冲突：同一工位或技师被重复预约。</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="239" />
      <source>✓ as expected</source>
      <translation>✓ 与预期一致</translation>
    </message>
    <message>
      <location filename="../../../partsdesk/ui/scanner_setup.py" line="239" />
      <source>✗ different</source>
      <translation>✗ 不一致</translation>
    </message>
  </context>
</TS>
