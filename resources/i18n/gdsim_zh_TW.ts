<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_TW">
<context>
    <name></name>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>{0} — step {1}</source>
        <translation>{0} — 第 {1} 步</translation>
    </message>
    <message>
        <source>{0} — step {1} (epoch {2})</source>
        <translation>{0} — 第 {1} 步（第 {2} 個週期）</translation>
    </message>
    <message>
        <source>Export animation</source>
        <translation>匯出動畫</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>瀏覽…</translation>
    </message>
    <message>
        <source>File (.gif or .mp4)</source>
        <translation>檔案（.gif 或 .mp4）</translation>
    </message>
    <message>
        <source>Size (width × height, px)</source>
        <translation>尺寸（寬 × 高，px）</translation>
    </message>
    <message>
        <source>Frames per second</source>
        <translation>每秒幀數</translation>
    </message>
    <message>
        <source>Steps (first, last)</source>
        <translation>步數範圍（起，止）</translation>
    </message>
    <message>
        <source>Frames spread evenly over the steps (at most one per step)</source>
        <translation>幀均勻分佈在各步上（每步最多一幀）</translation>
    </message>
    <message>
        <source>Frames</source>
        <translation>幀數</translation>
    </message>
    <message>
        <source>with the loss panel</source>
        <translation>包含損失面板</translation>
    </message>
    <message>
        <source>GIF (*.gif);;MP4 video (*.mp4)</source>
        <translation>GIF (*.gif);;MP4 影片 (*.mp4)</translation>
    </message>
    <message>
        <source>Cannot export animation</source>
        <translation>無法匯出動畫</translation>
    </message>
    <message>
        <source>Rendering animation frames…</source>
        <translation>正在渲染動畫幀…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Frame {0} of {1}</source>
        <translation>第 {0} 幀，共 {1} 幀</translation>
    </message>
    <message>
        <source>Running the simulation: step {0} of {1}</source>
        <translation>正在執行模擬：第 {0} 步，共 {1} 步</translation>
    </message>
    <message>
        <source>Exported {0} ({1} frames)</source>
        <translation>已匯出 {0}（{1} 幀）</translation>
    </message>
    <message>
        <source>Animation export cancelled</source>
        <translation>動畫匯出已取消</translation>
    </message>
    <message>
        <source>Unexpected error</source>
        <translation>意外錯誤</translation>
    </message>
    <message>
        <source>{0}: {1}

The app keeps running; details were written to the terminal.</source>
        <translation>{0}：{1}

程式會繼續執行；詳細資訊已寫入終端。</translation>
    </message>
    <message>
        <source>Could not restore the last session</source>
        <translation>無法還原上次的工作階段</translation>
    </message>
    <message>
        <source>started a new one</source>
        <translation>已開始新的工作階段</translation>
    </message>
    <message>
        <source>Restored the last session</source>
        <translation>已恢復上次的會話</translation>
    </message>
    <message>
        <source>Autosave is off</source>
        <translation>自動儲存已關閉</translation>
    </message>
    <message>
        <source>Computing basin map ({0}×{1} starts, {2} steps)…</source>
        <translation>正在計算吸引域圖（{0}×{1} 個起點，{2} 步）…</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>單步</translation>
    </message>
    <message>
        <source>Take one step (→)</source>
        <translation>走一步（→）</translation>
    </message>
    <message>
        <source>How many steps Step N takes</source>
        <translation>“走 N 步”一次走多少步</translation>
    </message>
    <message>
        <source>Step N</source>
        <translation>走 N 步</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Play / pause (Space)</source>
        <translation>播放 / 暫停（空格）</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>Back to step 0 (R)</source>
        <translation>回到第 0 步（R）</translation>
    </message>
    <message>
        <source> Speed </source>
        <translation> 速度 </translation>
    </message>
    <message>
        <source>Steps per second, log scale from 1 to 100,000</source>
        <translation>每秒步數，對數刻度，1 到 100,000</translation>
    </message>
    <message>
        <source>Steps per second asked for; while playing, the rate reached (the engine and the drawing may not keep up)</source>
        <translation>設定的每秒步數；播放時顯示實際達到的速率（引擎和繪圖可能跟不上）</translation>
    </message>
    <message>
        <source> Timeline </source>
        <translation> 時間軸 </translation>
    </message>
    <message>
        <source>Scrub back to any recorded step; Step or Play returns to live</source>
        <translation>拖回任意已記錄的步；單步或播放會回到最新狀態</translation>
    </message>
    <message>
        <source>step {0} / {1}{2}</source>
        <translation>第 {0} 步 / {1}{2}</translation>
    </message>
    <message>
        <source> Surface </source>
        <translation> 曲面 </translation>
    </message>
    <message>
        <source>The loss surface f(x, y)</source>
        <translation>損失曲面 f(x, y)</translation>
    </message>
    <message>
        <source>Custom…</source>
        <translation>自定義…</translation>
    </message>
    <message>
        <source>Custom surfaces are not available in this build</source>
        <translation>此版本不提供自定義曲面</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>損失</translation>
    </message>
    <message>
        <source>no known minimum</source>
        <translation>沒有已知的最小值</translation>
    </message>
    <message>
        <source>loss − ({0})</source>
        <translation>損失 − ({0})</translation>
    </message>
    <message>
        <source> (linear: some values ≤ 0)</source>
        <translation>（線性：有些值 ≤ 0）</translation>
    </message>
    <message>
        <source>Custom surface</source>
        <translation>自定義曲面</translation>
    </message>
    <message>
        <source>Type f(x, y) with x, y, numbers, + - * / and ^ (power), the constants pi and e, and the functions {0} (min and max take two or more arguments). The gradient is exact: it is derived symbolically.</source>
        <translation>輸入 f(x, y)，可用 x、y、數字、+ - * / 和 ^（乘方）、常數 pi 和 e，以及函式 {0}（min 和 max 接受兩個或更多引數）。梯度是精確的：由符號求導得出。</translation>
    </message>
    <message>
        <source>Examples…</source>
        <translation>示例…</translation>
    </message>
    <message>
        <source>View domain</source>
        <translation>檢視範圍</translation>
    </message>
    <message>
        <source>{0} of the view (the heatmap shown; runs may leave it)</source>
        <translation>檢視的 {0}（顯示的熱圖範圍；執行可以離開它）</translation>
    </message>
    <message>
        <source>Suggested</source>
        <translation>建議值</translation>
    </message>
    <message>
        <source>Back to the suggested view domain</source>
        <translation>恢復建議的檢視範圍</translation>
    </message>
    <message>
        <source>learning rate η (base rate the schedule starts from)</source>
        <translation>學習率 η（排程開始時的基礎學習率）</translation>
    </message>
    <message>
        <source>maximize: gradient ascent, the rule steps along −g</source>
        <translation>maximize：梯度上升，規則沿 −g 的反方向前進</translation>
    </message>
    <message>
        <source>momentum μ: weight of the previous buffer</source>
        <translation>動量 μ：上一步緩衝的權重</translation>
    </message>
    <message>
        <source>dampening τ: the gradient enters the buffer scaled by 1 − τ</source>
        <translation>阻尼 τ：梯度乘以 1 − τ 後進入緩衝</translation>
    </message>
    <message>
        <source>Nesterov momentum: step along g + μb instead of b</source>
        <translation>Nesterov 動量：沿 g + μb 而不是 b 走一步</translation>
    </message>
    <message>
        <source>L2 weight decay λ: adds λθ to the gradient</source>
        <translation>L2 權重衰減 λ：在梯度上加 λθ</translation>
    </message>
    <message>
        <source>learning-rate decay: η/(1 + (t − 1)·lr_decay)</source>
        <translation>學習率衰減：η/(1 + (t − 1)·lr_decay)</translation>
    </message>
    <message>
        <source>starting value of the sum of g²</source>
        <translation>g² 累加和的初始值</translation>
    </message>
    <message>
        <source>ε added to the denominator for numerical stability</source>
        <translation>加到分母上的 ε，用於數值穩定</translation>
    </message>
    <message>
        <source>smoothing constant α of the squared-gradient average</source>
        <translation>梯度平方平均的平滑常數 α</translation>
    </message>
    <message>
        <source>centered: normalize by the variance estimate v − ḡ²</source>
        <translation>中心化：用方差估計 v − ḡ² 歸一化</translation>
    </message>
    <message>
        <source>decay rate ρ of both running averages</source>
        <translation>兩個滑動平均的衰減率 ρ</translation>
    </message>
    <message>
        <source>β₁: decay rate of the first-moment average m</source>
        <translation>β₁：一階矩平均 m 的衰減率</translation>
    </message>
    <message>
        <source>β₂: decay rate of the second-moment average v</source>
        <translation>β₂：二階矩平均 v 的衰減率</translation>
    </message>
    <message>
        <source>AMSGrad: divide by the running maximum of v</source>
        <translation>AMSGrad：除以 v 的歷史最大值</translation>
    </message>
    <message>
        <source>decoupled weight decay (AdamW&apos;s): θ ← θ(1 − ηλ) instead of adding λθ to g</source>
        <translation>解耦權重衰減（AdamW 的做法）：θ ← θ(1 − ηλ)，而不是把 λθ 加到 g 上</translation>
    </message>
    <message>
        <source>decoupled weight decay λ: θ ← θ(1 − ηλ) before the step</source>
        <translation>解耦權重衰減 λ：更新前 θ ← θ(1 − ηλ)</translation>
    </message>
    <message>
        <source>β₂: decay rate of the second-moment average</source>
        <translation>β₂：二階矩平均的衰減率</translation>
    </message>
    <message>
        <source>momentum decay ψ of the μ_t schedule</source>
        <translation>μ_t 排程的動量衰減 ψ</translation>
    </message>
    <message>
        <source>η₋: step-size factor when the gradient flips sign</source>
        <translation>η₋：梯度變號時的步長係數</translation>
    </message>
    <message>
        <source>η₊: step-size factor while the gradient keeps its sign</source>
        <translation>η₊：梯度保持符號時的步長係數</translation>
    </message>
    <message>
        <source>smallest step size Δ_min</source>
        <translation>最小步長 Δ_min</translation>
    </message>
    <message>
        <source>largest step size Δ_max</source>
        <translation>最大步長 Δ_max</translation>
    </message>
    <message>
        <source>decay term λ of the step size η_t</source>
        <translation>步長 η_t 的衰減項 λ</translation>
    </message>
    <message>
        <source>power α of the step-size decay</source>
        <translation>步長衰減的冪 α</translation>
    </message>
    <message>
        <source>step t₀ after which the iterates are averaged</source>
        <translation>從第 t₀ 步起對迭代點求平均</translation>
    </message>
    <message>
        <source>β₂ decay: 1 − β₂,t = t^beta2_decay</source>
        <translation>β₂ 衰減：1 − β₂,t = t^beta2_decay</translation>
    </message>
    <message>
        <source>ε₁ floor of v (none: the machine ε, as torch&apos;s None)</source>
        <translation>v 的下限 ε₁（none：機器 ε，同 torch 的 None）</translation>
    </message>
    <message>
        <source>ε₂ floor of the parameters&apos; RMS in the relative step</source>
        <translation>相對步長中引數 RMS 的下限 ε₂</translation>
    </message>
    <message>
        <source>clipping threshold d of the update&apos;s RMS (torch: ≥ 1)</source>
        <translation>更新量 RMS 的裁剪閾值 d（torch：≥ 1）</translation>
    </message>
    <message>
        <source>β₂: decay rate of the momentum m</source>
        <translation>β₂：動量 m 的衰減率</translation>
    </message>
    <message>
        <source>β: decay rate of the momentum average</source>
        <translation>β：動量平均的衰減率</translation>
    </message>
    <message>
        <source>ν: weight of the momentum average against the raw gradient</source>
        <translation>ν：動量平均相對於原始梯度的權重</translation>
    </message>
    <message>
        <source>ν₁: weight of m against g in the numerator</source>
        <translation>ν₁：分子中 m 相對於 g 的權重</translation>
    </message>
    <message>
        <source>ν₂: weight of v against g² in the denominator</source>
        <translation>ν₂：分母中 v 相對於 g² 的權重</translation>
    </message>
    <message>
        <source>starting value of m and v</source>
        <translation>m 和 v 的初始值</translation>
    </message>
    <message>
        <source>momentum μ: weight of the previous buffer (interpolation β)</source>
        <translation>動量 μ：上一步緩衝的權重（插值係數 β）</translation>
    </message>
    <message>
        <source>steps between decays</source>
        <translation>兩次衰減之間的步數</translation>
    </message>
    <message>
        <source>multiplicative decay factor γ</source>
        <translation>乘性衰減因子 γ</translation>
    </message>
    <message>
        <source>step at which the cosine reaches eta_min</source>
        <translation>餘弦降到 eta_min 的步數</translation>
    </message>
    <message>
        <source>final (minimum) learning rate</source>
        <translation>最終（最小）學習率</translation>
    </message>
    <message>
        <source>warmup steps (0 &lt; warmup &lt; t_max)</source>
        <translation>預熱步數（0 &lt; warmup &lt; t_max）</translation>
    </message>
    <message>
        <source>decay rate of 1/(1 + decay·t)</source>
        <translation>1/(1 + decay·t) 的衰減率</translation>
    </message>
    <message>
        <source>factor of lr₀ at step 0</source>
        <translation>第 0 步時 lr₀ 的係數</translation>
    </message>
    <message>
        <source>factor of lr₀ from step total_iters on</source>
        <translation>從第 total_iters 步起 lr₀ 的係數</translation>
    </message>
    <message>
        <source>steps of the ramp</source>
        <translation>線性變化的步數</translation>
    </message>
    <message>
        <source>steps until the rate reaches 0</source>
        <translation>學習率降到 0 所需的步數</translation>
    </message>
    <message>
        <source>exponent of the decay (1: linear)</source>
        <translation>衰減的指數（1：線性）</translation>
    </message>
    <message>
        <source>steps at which the rate is multiplied by γ</source>
        <translation>學習率乘以 γ 的那些步</translation>
    </message>
    <message>
        <source>steps of the first cycle</source>
        <translation>第一個週期的步數</translation>
    </message>
    <message>
        <source>each cycle is t_mult times longer than the last</source>
        <translation>每個週期是上一個的 t_mult 倍長</translation>
    </message>
    <message>
        <source>steps of the cycle</source>
        <translation>週期的步數</translation>
    </message>
    <message>
        <source>fraction of the cycle spent warming up</source>
        <translation>週期中用於預熱的比例</translation>
    </message>
    <message>
        <source>shape of the warm-up and the anneal</source>
        <translation>預熱和退火的曲線形狀</translation>
    </message>
    <message>
        <source>the cycle starts at lr₀/div_factor</source>
        <translation>週期從 lr₀/div_factor 開始</translation>
    </message>
    <message>
        <source>it ends at lr₀/(div_factor·final_div_factor)</source>
        <translation>結束於 lr₀/(div_factor·final_div_factor)</translation>
    </message>
    <message>
        <source>come back down to the start before the final anneal</source>
        <translation>最終退火前先降回起始值</translation>
    </message>
    <message>
        <source>lowest rate of the cycle</source>
        <translation>週期中的最低學習率</translation>
    </message>
    <message>
        <source>steps from base_lr up to lr₀</source>
        <translation>從 base_lr 升到 lr₀ 的步數</translation>
    </message>
    <message>
        <source>steps from lr₀ back down; none: the same as step_size_up</source>
        <translation>從 lr₀ 降回的步數；none：與 step_size_up 相同</translation>
    </message>
    <message>
        <source>how the peak changes from cycle to cycle</source>
        <translation>峰值在各週期之間如何變化</translation>
    </message>
    <message>
        <source>exp_range: the peak shrinks by γ^t</source>
        <translation>exp_range：峰值按 γ^t 縮小</translation>
    </message>
    <message>
        <source>the rate is multiplied by this on a plateau</source>
        <translation>進入平臺期時學習率乘以此值</translation>
    </message>
    <message>
        <source>steps without improvement tolerated</source>
        <translation>容忍沒有改進的步數</translation>
    </message>
    <message>
        <source>smallest improvement that counts</source>
        <translation>算作改進的最小幅度</translation>
    </message>
    <message>
        <source>rel: relative to best; abs: absolute</source>
        <translation>rel：相對於最佳值；abs：絕對值</translation>
    </message>
    <message>
        <source>steps to wait after a drop before counting again</source>
        <translation>降低後重新計數前等待的步數</translation>
    </message>
    <message>
        <source>the rate never drops below this</source>
        <translation>學習率不會低於此值</translation>
    </message>
    <message>
        <source>drops smaller than this are skipped</source>
        <translation>小於此值的降低會被跳過</translation>
    </message>
    <message>
        <source>curvature ratio c of y to x</source>
        <translation>y 與 x 的曲率比 c</translation>
    </message>
    <message>
        <source>minimum at (a, a²)</source>
        <translation>最小值位於 (a, a²)</translation>
    </message>
    <message>
        <source>steepness of the valley walls</source>
        <translation>谷壁的陡峭程度</translation>
    </message>
    <message>
        <source>number of synthetic data points</source>
        <translation>合成數據點的數量</translation>
    </message>
    <message>
        <source>standard deviation of the noise on y</source>
        <translation>y 上噪聲的標準差</translation>
    </message>
    <message>
        <source>seed of the synthetic data set</source>
        <translation>合成數據集的隨機種子</translation>
    </message>
    <message>
        <source>spread of each class cloud</source>
        <translation>每個類別點雲的分散程度</translation>
    </message>
    <message>
        <source>Constant</source>
        <translation>常數</translation>
    </message>
    <message>
        <source>Step decay</source>
        <translation>階梯衰減</translation>
    </message>
    <message>
        <source>Exponential decay</source>
        <translation>指數衰減</translation>
    </message>
    <message>
        <source>Cosine annealing</source>
        <translation>餘弦退火</translation>
    </message>
    <message>
        <source>Linear warmup + cosine</source>
        <translation>線性預熱 + 餘弦</translation>
    </message>
    <message>
        <source>Inverse-time decay</source>
        <translation>反時間衰減</translation>
    </message>
    <message>
        <source>Linear ramp</source>
        <translation>線性變化</translation>
    </message>
    <message>
        <source>Polynomial decay</source>
        <translation>多項式衰減</translation>
    </message>
    <message>
        <source>Multi-step decay</source>
        <translation>多階梯衰減</translation>
    </message>
    <message>
        <source>Cosine with warm restarts</source>
        <translation>帶熱重啟的餘弦</translation>
    </message>
    <message>
        <source>One-cycle</source>
        <translation>單週期</translation>
    </message>
    <message>
        <source>Cyclical (CLR)</source>
        <translation>迴圈（CLR）</translation>
    </message>
    <message>
        <source>Reduce on plateau</source>
        <translation>平臺期衰減</translation>
    </message>
    <message>
        <source>σ of the Gaussian noise added to this run&apos;s gradients</source>
        <translation>加到此執行梯度上的高斯噪聲的 σ</translation>
    </message>
    <message>
        <source>samples in this run&apos;s mini-batch gradients (data surfaces only)</source>
        <translation>此執行小批次梯度的樣本數（僅資料曲面）</translation>
    </message>
    <message>
        <source>σ of Gaussian noise added to each gradient</source>
        <translation>加到每個梯度上的高斯噪聲的 σ</translation>
    </message>
    <message>
        <source>random seed (noise, mini-batches); same seed → same paths</source>
        <translation>隨機種子（噪聲、小批次）；相同種子 → 相同路徑</translation>
    </message>
    <message>
        <source>maximum number of steps</source>
        <translation>最大步數</translation>
    </message>
    <message>
        <source>a run converges when its gradient norm falls below this</source>
        <translation>梯度範數低於此值時執行即收斂</translation>
    </message>
    <message>
        <source>points generated (train + test)</source>
        <translation>生成的點數（訓練 + 測試）</translation>
    </message>
    <message>
        <source>σ of the jitter added to the points</source>
        <translation>加到點上的抖動的 σ</translation>
    </message>
    <message>
        <source>share of the points held out for testing</source>
        <translation>留作測試的點的比例</translation>
    </message>
    <message>
        <source>number of classes (spiral arms, blobs)</source>
        <translation>類別數（螺旋臂、點團）</translation>
    </message>
    <message>
        <source>L1 penalty l1·Σ|W| on weight matrices (sparse weights)</source>
        <translation>權重矩陣上的 L1 懲罰 l1·Σ|W|（稀疏權重）</translation>
    </message>
    <message>
        <source>model L2: (l2/2)·ΣW² added to the loss, weight matrices only (not biases); torch: add it to the loss. A run&apos;s weight_decay is torch.optim&apos;s, on every parameter</source>
        <translation>模型 L2：把 (l2/2)·ΣW² 加到損失上，只作用於權重矩陣（不含偏置）；torch：加到損失中。執行的 weight_decay 是 torch.optim 的，作用於所有引數</translation>
    </message>
    <message>
        <source>inverted dropout (torch.nn.Dropout): hidden units dropped with this probability while training, the rest × 1/(1−p)</source>
        <translation>反向 dropout（torch.nn.Dropout）：訓練時以此機率丟棄隱藏單元，其餘乘以 1/(1−p)</translation>
    </message>
    <message>
        <source>batch norm before each hidden activation (torch BatchNorm1d: momentum 0.1, eps 1e-5)</source>
        <translation>每個隱藏層啟用前做批歸一化（torch BatchNorm1d：momentum 0.1，eps 1e-5）</translation>
    </message>
    <message>
        <source>hold out 20 % of the training rows for validation; stop a run after this many epochs without a lower validation loss and restore its best weights (0 = off)</source>
        <translation>留出 20% 的訓練行作驗證；驗證損失連續這麼多個週期沒有下降就停止執行，並恢復最佳權重（0 = 關閉）</translation>
    </message>
    <message>
        <source>Every change here restarts all runs from the start point (while paused, they re-run at once up to the step shown); a new colour applies at once.</source>
        <translation>這裡的每次修改都會讓所有執行從起點重新開始（暫停時會立即重新執行到當前顯示的步）；新顏色立即生效。</translation>
    </message>
    <message>
        <source>passes over the training set</source>
        <translation>遍歷訓練集的次數</translation>
    </message>
    <message>
        <source>samples per step: 0 = full batch, 1 = single sample</source>
        <translation>每步的樣本數：0 = 全批次，1 = 單個樣本</translation>
    </message>
    <message>
        <source>seed for data, initial weights, batches and dropout</source>
        <translation>資料、初始權重、批次和 dropout 的隨機種子</translation>
    </message>
    <message>
        <source>running</source>
        <translation>執行中</translation>
    </message>
    <message>
        <source>converged</source>
        <translation>已收斂</translation>
    </message>
    <message>
        <source>diverged</source>
        <translation>已發散</translation>
    </message>
    <message>
        <source>max steps</source>
        <translation>達到最大步數</translation>
    </message>
    <message>
        <source>early_stopped</source>
        <translation>提前停止</translation>
    </message>
    <message>
        <source>max_epochs</source>
        <translation>達到最大週期</translation>
    </message>
    <message>
        <source>off</source>
        <translation>關閉</translation>
    </message>
    <message>
        <source>classification</source>
        <translation>分類</translation>
    </message>
    <message>
        <source>regression</source>
        <translation>迴歸</translation>
    </message>
    <message>
        <source> (network)</source>
        <translation>（神經網路）</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>學習率</translation>
    </message>
    <message>
        <source>gradient norm</source>
        <translation>梯度範數</translation>
    </message>
    <message>
        <source>distance to nearest minimum</source>
        <translation>到最近最小值的距離</translation>
    </message>
    <message>
        <source>hover a plot to read each run&apos;s value at that step</source>
        <translation>將滑鼠懸停在圖上，讀取每個執行在該步的值</translation>
    </message>
    <message>
        <source>hover the map to read f and its gradient there; click to start from there</source>
        <translation>將滑鼠懸停在圖上讀取該處的 f 和梯度；點選即從該處出發</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>標籤</translation>
    </message>
    <message>
        <source>Opt.</source>
        <translation>最佳化器</translation>
    </message>
    <message>
        <source>Hparams</source>
        <translation>超引數</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>狀態</translation>
    </message>
    <message>
        <source>Conv.</source>
        <translation>收斂</translation>
    </message>
    <message>
        <source>Ravine: GD zig-zags, momentum glides</source>
        <translation>峽谷：GD 之字形前進，動量法順滑滑行</translation>
    </message>
    <message>
        <source>Learning rate too large diverges</source>
        <translation>學習率過大會發散</translation>
    </message>
    <message>
        <source>Nesterov vs momentum: overshoot</source>
        <translation>Nesterov 與動量法：衝過頭</translation>
    </message>
    <message>
        <source>Saddle point: stuck on the axis, escape off it</source>
        <translation>鞍點：在軸上卡住，離軸即可逃脫</translation>
    </message>
    <message>
        <source>AdaGrad&apos;s shrinking steps vs RMSprop</source>
        <translation>AdaGrad 不斷縮小的步長與 RMSprop</translation>
    </message>
    <message>
        <source>Adam vs SGD on Rosenbrock</source>
        <translation>Rosenbrock 上的 Adam 與 SGD</translation>
    </message>
    <message>
        <source>Himmelblau: four minima from nearby starts</source>
        <translation>Himmelblau：相近起點通向四個最小值</translation>
    </message>
    <message>
        <source>Mini-batch noise: batch 1 vs 8 vs full</source>
        <translation>小批次噪聲：批次 1、8 與全批次</translation>
    </message>
    <message>
        <source>One-cycle vs constant learning rate</source>
        <translation>單週期與常數學習率</translation>
    </message>
    <message>
        <source>Reduce on plateau: stairs down a noise floor</source>
        <translation>平臺期衰減：沿噪聲底部逐級下降</translation>
    </message>
    <message>
        <source>Lion&apos;s sign steps vs Adam</source>
        <translation>Lion 的符號步與 Adam</translation>
    </message>
    <message>
        <source>Schedule-free AdamW vs AdamW + cosine</source>
        <translation>無排程 AdamW 與 AdamW + 餘弦</translation>
    </message>
    <message>
        <source>XOR without a hidden layer</source>
        <translation>沒有隱藏層的 XOR</translation>
    </message>
    <message>
        <source>XOR with a hidden layer</source>
        <translation>有隱藏層的 XOR</translation>
    </message>
    <message>
        <source>Deep sigmoid net: vanishing gradients</source>
        <translation>深層 sigmoid 網路：梯度消失</translation>
    </message>
    <message>
        <source>Deep ReLU net: gradients flow</source>
        <translation>深層 ReLU 網路：梯度暢通</translation>
    </message>
    <message>
        <source>Adam vs SGD on the spiral</source>
        <translation>螺旋資料上的 Adam 與 SGD</translation>
    </message>
    <message>
        <source>L2 vs overfitting on noisy moons</source>
        <translation>在帶噪聲的月牙資料上用 L2 對抗過擬合</translation>
    </message>
    <message>
        <source>Early stopping</source>
        <translation>提前停止</translation>
    </message>
    <message>
        <source>Mini-batches: batch size 1</source>
        <translation>小批次：批次大小 1</translation>
    </message>
    <message>
        <source>Mini-batches: batch size 32</source>
        <translation>小批次：批次大小 32</translation>
    </message>
    <message>
        <source>Mini-batches: batch size full</source>
        <translation>小批次：全批次</translation>
    </message>
    <message>
        <source>Optimizers</source>
        <translation>最佳化器</translation>
    </message>
    <message>
        <source>Learning-rate schedules</source>
        <translation>學習率排程</translation>
    </message>
    <message>
        <source>Show me</source>
        <translation>演示給我看</translation>
    </message>
    <message>
        <source>Load an experiment that shows it</source>
        <translation>載入一個演示它的實驗</translation>
    </message>
    <message>
        <source>The picture</source>
        <translation>形象理解</translation>
    </message>
    <message>
        <source>Update rule</source>
        <translation>更新規則</translation>
    </message>
    <message>
        <source>Rate at step t</source>
        <translation>第 t 步的學習率</translation>
    </message>
    <message>
        <source>When to use it</source>
        <translation>何時使用</translation>
    </message>
    <message>
        <source>What it fixes</source>
        <translation>它解決的問題</translation>
    </message>
    <message>
        <source>{0} is unavailable: {1}: {2}</source>
        <translation>{0}不可用：{1}：{2}</translation>
    </message>
    <message>
        <source>gdsim — gradient descent simulator</source>
        <translation>gdsim — 梯度下降模擬器</translation>
    </message>
    <message>
        <source>Surface</source>
        <translation>曲面</translation>
    </message>
    <message>
        <source>The 3-D view</source>
        <translation>三維檢視</translation>
    </message>
    <message>
        <source>Surfaces</source>
        <translation>曲面</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>神經網路</translation>
    </message>
    <message>
        <source>The runs panel</source>
        <translation>執行面板</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>執行</translation>
    </message>
    <message>
        <source>The Learn panel</source>
        <translation>學習面板</translation>
    </message>
    <message>
        <source>Learn</source>
        <translation>學習</translation>
    </message>
    <message>
        <source>Loading the compiled network kernels (compiled once after an install)…</source>
        <translation>正在載入編譯好的網路核心（安裝後首次使用時編譯一次）…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>檔案(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;New</source>
        <translation>新建(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>開啟(&amp;O)…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近開啟(&amp;R)</translation>
    </message>
    <message>
        <source>Open &amp;test data…</source>
        <translation>開啟測試資料(&amp;T)…</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>儲存(&amp;S)</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>另存為(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Export trajectory CSV…</source>
        <translation>匯出軌跡 CSV(&amp;E)…</translation>
    </message>
    <message>
        <source>Export &amp;image</source>
        <translation>匯出圖片(&amp;I)</translation>
    </message>
    <message>
        <source>Export &amp;animation…</source>
        <translation>匯出動畫(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Simulation</source>
        <translation>模擬(&amp;S)</translation>
    </message>
    <message>
        <source>Play / Pause</source>
        <translation>播放 / 暫停</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>檢視(&amp;V)</translation>
    </message>
    <message>
        <source>Gradient arrows (−∇f direction)</source>
        <translation>梯度箭頭（−∇f 方向）</translation>
    </message>
    <message>
        <source>Step arrows (last step of each run)</source>
        <translation>步長箭頭（每個執行的最後一步）</translation>
    </message>
    <message>
        <source>Basin map (which minimum each start reaches)</source>
        <translation>吸引域圖（每個起點到達哪個最小值）</translation>
    </message>
    <message>
        <source>Stretch to fill (unequal x and y scales)</source>
        <translation>拉伸填滿（x 與 y 比例不同）</translation>
    </message>
    <message>
        <source>Off: one unit is as long on x as on y, so a round bowl looks round</source>
        <translation>關閉時：x 和 y 上的單位長度相同，圓碗看起來是圓的</translation>
    </message>
    <message>
        <source>Reset zoom</source>
        <translation>重置縮放</translation>
    </message>
    <message>
        <source>&amp;Presets</source>
        <translation>預設(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Network</source>
        <translation>神經網路(&amp;N)</translation>
    </message>
    <message>
        <source>(no presets found)</source>
        <translation>（未找到預設）</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>幫助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About gdsim</source>
        <translation>關於 gdsim(&amp;A)</translation>
    </message>
    <message>
        <source>Se&amp;ttings</source>
        <translation>設定(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>語言(&amp;L)</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>跟隨系統</translation>
    </message>
    <message>
        <source>The language changes when gdsim restarts</source>
        <translation>重新啟動 gdsim 後語言生效</translation>
    </message>
    <message>
        <source>Surface panel</source>
        <translation>曲面面板</translation>
    </message>
    <message>
        <source>Loss curve</source>
        <translation>損失曲線</translation>
    </message>
    <message>
        <source>Learning-rate curve</source>
        <translation>學習率曲線</translation>
    </message>
    <message>
        <source>Gradient-norm curve</source>
        <translation>梯度範數曲線</translation>
    </message>
    <message>
        <source>Distance-to-minimum curve</source>
        <translation>到最小值距離曲線</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（無）</translation>
    </message>
    <message>
        <source>Open experiment</source>
        <translation>開啟實驗</translation>
    </message>
    <message>
        <source>Cannot open experiment</source>
        <translation>無法開啟實驗</translation>
    </message>
    <message>
        <source>{0!r} is a network experiment, and the Network tab is unavailable</source>
        <translation>{0!r} 是神經網路實驗，但神經網路標籤頁不可用</translation>
    </message>
    <message>
        <source>Cannot save experiment</source>
        <translation>無法儲存實驗</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>已儲存 {0}</translation>
    </message>
    <message>
        <source>A CSV export is already running (see its progress)</source>
        <translation>已有一個 CSV 匯出正在進行（請檢視其進度）</translation>
    </message>
    <message>
        <source>Preparing the CSV…</source>
        <translation>正在準備 CSV…</translation>
    </message>
    <message>
        <source>Export trajectory CSV</source>
        <translation>匯出軌跡 CSV</translation>
    </message>
    <message>
        <source>CSV (*.csv);;All files (*)</source>
        <translation>CSV (*.csv);;所有檔案 (*)</translation>
    </message>
    <message>
        <source>Cannot export CSV</source>
        <translation>無法匯出 CSV</translation>
    </message>
    <message>
        <source>Exporting {0}…</source>
        <translation>正在匯出 {0}…</translation>
    </message>
    <message>
        <source>Export cancelled: {0} was not written</source>
        <translation>匯出已取消：未寫入 {0}</translation>
    </message>
    <message>
        <source>Exported {0}</source>
        <translation>已匯出 {0}</translation>
    </message>
    <message>
        <source>Cannot load preset</source>
        <translation>無法載入預設</translation>
    </message>
    <message>
        <source>Loaded preset: {0}</source>
        <translation>已載入預設：{0}</translation>
    </message>
    <message>
        <source>Cannot load the example</source>
        <translation>無法載入示例</translation>
    </message>
    <message>
        <source>untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <source>{0}{1} — gdsim</source>
        <translation>{0}{1} — gdsim</translation>
    </message>
    <message>
        <source>About gdsim</source>
        <translation>關於 gdsim</translation>
    </message>
    <message>
        <source>gdsim — a simulator for the gradient-descent family of optimizers.</source>
        <translation>gdsim — 梯度下降類最佳化器的模擬器。</translation>
    </message>
    <message>
        <source>Loaded weights do not fit the new network; using fresh weights</source>
        <translation>載入的權重與新網路不匹配；改用新的初始權重</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>資料</translation>
    </message>
    <message>
        <source>CSV file…</source>
        <translation>CSV 檔案…</translation>
    </message>
    <message>
        <source>Data set</source>
        <translation>資料集</translation>
    </message>
    <message>
        <source>Hidden layer widths, e.g. 8,8 (empty: no hidden layer)</source>
        <translation>隱藏層寬度，例如 8,8（留空：沒有隱藏層）</translation>
    </message>
    <message>
        <source>Hidden layers</source>
        <translation>隱藏層</translation>
    </message>
    <message>
        <source>Activation</source>
        <translation>啟用函式</translation>
    </message>
    <message>
        <source>Every change here restarts all runs from the initial weights (a new colour applies at once). A run&apos;s weight_decay is torch.optim&apos;s: λ·θ on every parameter, biases too (decoupled in adamw); the Model tab&apos;s l2 penalizes weight matrices only.</source>
        <translation>這裡的每次修改都會讓所有執行從初始權重重新開始（新顏色立即生效）。執行的 weight_decay 是 torch.optim 的：對每個引數（包括偏置）施加 λ·θ（adamw 中為解耦形式）；模型標籤頁的 l2 只懲罰權重矩陣。</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>損失</translation>
    </message>
    <message>
        <source> (+{0} validation)</source>
        <translation>（+{0} 驗證）</translation>
    </message>
    <message>
        <source> from {0}</source>
        <translation>（來自 {0}）</translation>
    </message>
    <message>
        <source>, {0} classes</source>
        <translation>，{0} 類</translation>
    </message>
    <message>
        <source>{0} train{1} · {2} test{3} · {4} features · {5}</source>
        <translation>訓練 {0}{1} · 測試 {2}{3} · {4} 個特徵 · {5}</translation>
    </message>
    <message>
        <source>, … ({0} in all)</source>
        <translation>，…（共 {0} 個）</translation>
    </message>
    <message>
        <source>
classes (label → class): {0}{1}</source>
        <translation>
類別（標籤 → 類別）：{0}{1}</translation>
    </message>
    <message>
        <source>Init</source>
        <translation>初始化</translation>
    </message>
    <message>
        <source>feed {0} to the network (2-D data only)</source>
        <translation>把 {0} 輸入網路（僅二維資料）</translation>
    </message>
    <message>
        <source>Inputs</source>
        <translation>輸入</translation>
    </message>
    <message>
        <source>Regularization</source>
        <translation>正則化</translation>
    </message>
    <message>
        <source>{0} · {1} weights</source>
        <translation>{0} · {1} 個權重</translation>
    </message>
    <message>
        <source>Open data CSV</source>
        <translation>開啟資料 CSV</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>訓練</translation>
    </message>
    <message>
        <source>Train loss</source>
        <translation>訓練損失</translation>
    </message>
    <message>
        <source>run disabled</source>
        <translation>執行已停用</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source> Preset </source>
        <translation> 預設 </translation>
    </message>
    <message>
        <source>step taken ÷ gradient per coordinate: x solid, y dashed (plain GD: flat at η; AdaGrad decays; Adam normalises)</source>
        <translation>每個座標的實際步長 ÷ 梯度：x 實線，y 虛線（普通 GD：恆為 η；AdaGrad 逐漸衰減；Adam 做歸一化）</translation>
    </message>
    <message>
        <source>effective step size  −Δθᵢ / gᵢ</source>
        <translation>有效步長  −Δθᵢ / gᵢ</translation>
    </message>
    <message>
        <source>loss tolerance (loss − f* ≤)</source>
        <translation>損失容差（loss − f* ≤）</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>匯出 CSV…</translation>
    </message>
    <message>
        <source>Export race table</source>
        <translation>匯出競賽表</translation>
    </message>
    <message>
        <source>Cannot export race table</source>
        <translation>無法匯出競賽表</translation>
    </message>
    <message>
        <source>Decision boundary / fit</source>
        <translation>決策邊界 / 擬合</translation>
    </message>
    <message>
        <source>Weight-space slice</source>
        <translation>權重空間切片</translation>
    </message>
    <message>
        <source>Loss curves</source>
        <translation>損失曲線</translation>
    </message>
    <message>
        <source>Accuracy curves</source>
        <translation>準確率曲線</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>學習率</translation>
    </message>
    <message>
        <source>Gradient norm per layer</source>
        <translation>每層梯度範數</translation>
    </message>
    <message>
        <source>Training steps per second achieved while playing (the speed setting is the most it asks for)</source>
        <translation>播放時實際達到的每秒訓練步數（速度設定是它請求的上限）</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>開啟…</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>儲存…</translation>
    </message>
    <message>
        <source>Save weights…</source>
        <translation>儲存權重…</translation>
    </message>
    <message>
        <source>Load weights…</source>
        <translation>載入權重…</translation>
    </message>
    <message>
        <source>Open test data…</source>
        <translation>開啟測試資料…</translation>
    </message>
    <message>
        <source>Diagram</source>
        <translation>網路圖</translation>
    </message>
    <message>
        <source>Loss landscape…</source>
        <translation>損失地形…</translation>
    </message>
    <message>
        <source>The network diagram beside the decision map: each neuron&apos;s map, the weights as links; Ctrl-click a training point to follow it</source>
        <translation>決策圖旁的網路圖：每個神經元的取值圖，權重畫成連線；Ctrl+按一下訓練點可追蹤它</translation>
    </message>
    <message>
        <source>The selected run&apos;s weights at the shown step</source>
        <translation>所選執行在當前顯示步的權重</translation>
    </message>
    <message>
        <source>Start every run from these weights</source>
        <translation>讓每個執行都從這些權重開始</translation>
    </message>
    <message>
        <source>Test rows from a CSV with the training CSV&apos;s columns: every training row then trains</source>
        <translation>從與訓練 CSV 列相同的 CSV 讀取測試行：此時所有訓練行都參與訓練</translation>
    </message>
    <message>
        <source>Export image</source>
        <translation>匯出圖片</translation>
    </message>
    <message>
        <source>Open network experiment</source>
        <translation>開啟神經網路實驗</translation>
    </message>
    <message>
        <source>Save network experiment</source>
        <translation>儲存神經網路實驗</translation>
    </message>
    <message>
        <source>Export training CSV</source>
        <translation>匯出訓練 CSV</translation>
    </message>
    <message>
        <source>Save weights</source>
        <translation>儲存權重</translation>
    </message>
    <message>
        <source>Cannot save weights</source>
        <translation>無法儲存權重</translation>
    </message>
    <message>
        <source>Saved weights to {0}</source>
        <translation>權重已儲存到 {0}</translation>
    </message>
    <message>
        <source>Cannot load weights</source>
        <translation>無法載入權重</translation>
    </message>
    <message>
        <source>All runs start from {0}</source>
        <translation>所有執行從 {0} 開始</translation>
    </message>
    <message>
        <source>Cannot open test data</source>
        <translation>無法開啟測試資料</translation>
    </message>
    <message>
        <source>Test data goes with training data from a CSV file: choose Data set → CSV file… first</source>
        <translation>測試資料需配合來自 CSV 檔案的訓練資料：請先選擇 資料集 → CSV 檔案…</translation>
    </message>
    <message>
        <source>Testing on {0}; every row of {1} trains</source>
        <translation>在 {0} 上測試；{1} 的每一行都參與訓練</translation>
    </message>
    <message>
        <source>Open test data</source>
        <translation>開啟測試資料</translation>
    </message>
    <message>
        <source>Load weights</source>
        <translation>載入權重</translation>
    </message>
    <message>
        <source>all runs</source>
        <translation>所有執行</translation>
    </message>
    <message>
        <source>Small multiples: every run&apos;s decision map side by side (on 1-D data, every run&apos;s fit in one plot)</source>
        <translation>小圖並列：每個執行的決策圖並排顯示（一維資料時，所有執行的擬合畫在同一圖中）</translation>
    </message>
    <message>
        <source>decision boundary</source>
        <translation>決策邊界</translation>
    </message>
    <message>
        <source>Inspect: click a training point to follow it through the network diagram</source>
        <translation>檢查：按一下訓練點，在網路圖中追蹤它</translation>
    </message>
    <message>
        <source>Edit data: click adds a point, shift-click one of the next class, right-click removes</source>
        <translation>編輯資料：按一下新增點，Shift+按一下新增下一類的點，右鍵刪除</translation>
    </message>
    <message>
        <source>No training point there: click on (or next to) one to inspect it</source>
        <translation>那裡沒有訓練點：按一下訓練點（或其附近）以檢查它</translation>
    </message>
    <message>
        <source>Inspecting training point {0} at ({1:.3g}, {2:.3g}): its forward and backward pass is in the network diagram</source>
        <translation>正在檢查訓練點 {0}，位於 ({1:.3g}, {2:.3g})：其前向和反向傳播見網路圖</translation>
    </message>
    <message>
        <source>predicted class</source>
        <translation>預測類別</translation>
    </message>
    <message>
        <source>true class</source>
        <translation>真實類別</translation>
    </message>
    <message>
        <source>true value</source>
        <translation>真實值</translation>
    </message>
    <message>
        <source>predicted value</source>
        <translation>預測值</translation>
    </message>
    <message>
        <source>fit · all runs · step {0}</source>
        <translation>擬合 · 所有執行 · 第 {0} 步</translation>
    </message>
    <message>
        <source>train</source>
        <translation>訓練</translation>
    </message>
    <message>
        <source>test</source>
        <translation>測試</translation>
    </message>
    <message>
        <source> (weights of step {0} restored)</source>
        <translation>（已恢復第 {0} 步的權重）</translation>
    </message>
    <message>
        <source>, test acc {0:.1f}%</source>
        <translation>，測試準確率 {0:.1f}%</translation>
    </message>
    <message>
        <source>loss · train ─── solid, test ‒ ‒ ‒ dashed</source>
        <translation>損失 · 訓練 ─── 實線，測試 ‒ ‒ ‒ 虛線</translation>
    </message>
    <message>
        <source>accuracy · train ─── solid, test ‒ ‒ ‒ dashed</source>
        <translation>準確率 · 訓練 ─── 實線，測試 ‒ ‒ ‒ 虛線</translation>
    </message>
    <message>
        <source>learning rate · one line per run</source>
        <translation>學習率 · 每個執行一條線</translation>
    </message>
    <message>
        <source>gradient norm per layer</source>
        <translation>每層梯度範數</translation>
    </message>
    <message>
        <source>out</source>
        <translation>輸出</translation>
    </message>
    <message>
        <source>loss over 2 weights{0} · &lt;span style=&apos;color:{1}&apos;&gt;{2}&lt;/span&gt; · step {3}</source>
        <translation>兩個權重上的損失{0} · &lt;span style=&apos;color:{1}&apos;&gt;{2}&lt;/span&gt; · 第 {3} 步</translation>
    </message>
    <message>
        <source>decision map</source>
        <translation>決策圖</translation>
    </message>
    <message>
        <source>click adds class</source>
        <translation>點擊新增類別</translation>
    </message>
    <message>
        <source>Click on the map adds a training point of this class; shift-click one of the next class; right-click removes the nearest training point; Ctrl-click inspects one in the network diagram</source>
        <translation>在圖上按一下新增此類的訓練點；Shift+按一下新增下一類的點；右鍵刪除最近的訓練點；Ctrl+按一下在網路圖中檢查訓練點</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新產生</translation>
    </message>
    <message>
        <source>Inspect</source>
        <translation>檢查</translation>
    </message>
    <message>
        <source>Inspect a point: a click on a training point shows its forward and backward pass in the network diagram (Ctrl-click does so at any time). Off: clicks edit the data</source>
        <translation>檢查點：按一下訓練點，在網路圖中顯示其前向和反向傳播（任何時候 Ctrl+按一下均可）。關閉時：按一下編輯資料</translation>
    </message>
    <message>
        <source>fit</source>
        <translation>擬合</translation>
    </message>
    <message>
        <source>confusion matrix (test)</source>
        <translation>混淆矩陣（測試）</translation>
    </message>
    <message>
        <source>predicted vs true</source>
        <translation>預測值與真實值</translation>
    </message>
    <message>
        <source>{0} · &lt;span style=&apos;color:{1}&apos;&gt;{2}&lt;/span&gt; · step {3}{4}</source>
        <translation>{0} · &lt;span style=&apos;color:{1}&apos;&gt;{2}&lt;/span&gt; · 第 {3} 步{4}</translation>
    </message>
    <message>
        <source>regression: no accuracy</source>
        <translation>迴歸：沒有準確率</translation>
    </message>
    <message>
        <source>legend</source>
        <translation>圖例</translation>
    </message>
    <message>
        <source>Show which colour is which run</source>
        <translation>顯示每種顏色對應哪個執行</translation>
    </message>
    <message>
        <source>weights</source>
        <translation>權重</translation>
    </message>
    <message>
        <source>Weight on this axis (Wk[i,j] connects unit i of layer k−1 to unit j)</source>
        <translation>這條軸上的權重（Wk[i,j] 連線第 k−1 層的單元 i 與單元 j）</translation>
    </message>
    <message>
        <source>weight-space slice</source>
        <translation>權重空間切片</translation>
    </message>
    <message>
        <source>choose two different weights</source>
        <translation>請選擇兩個不同的權重</translation>
    </message>
    <message>
        <source>{0}
Allowed: {1}</source>
        <translation>{0}
允許：{1}</translation>
    </message>
    <message>
        <source> (log scale)</source>
        <translation>（對數刻度）</translation>
    </message>
    <message>
        <source>colour {0!r} is not a colour name or #rrggbb</source>
        <translation>顏色 {0!r} 不是顏色名稱或 #rrggbb</translation>
    </message>
    <message>
        <source>unknown setting {0!r}; known: {1}</source>
        <translation>未知設定 {0!r}；已知：{1}</translation>
    </message>
    <message>
        <source>no run {0}; there are {1} runs</source>
        <translation>沒有執行 {0}；共有 {1} 個執行</translation>
    </message>
    <message>
        <source>Finished at step {0}</source>
        <translation>在第 {0} 步結束</translation>
    </message>
    <message>
        <source>Export {0}</source>
        <translation>匯出{0}</translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG image (*.svg)</source>
        <translation>PNG 圖片 (*.png);;SVG 圖片 (*.svg)</translation>
    </message>
    <message>
        <source>Cannot export image</source>
        <translation>無法匯出圖片</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>就緒</translation>
    </message>
    <message>
        <source>at the start point: press Step or Play</source>
        <translation>位於起點：按單步或播放</translation>
    </message>
    <message>
        <source>step {0} of {1}</source>
        <translation>第 {0} 步，共 {1} 步</translation>
    </message>
    <message>
        <source>{0} at step {1}</source>
        <translation>第 {1} 步時{0}</translation>
    </message>
    <message>
        <source>{0}
Allowed: {1}; empty: the experiment&apos;s value</source>
        <translation>{0}
允許：{1}；留空：使用實驗的值</translation>
    </message>
    <message>
        <source>this run only; empty: {0}</source>
        <translation>僅此執行；留空：{0}</translation>
    </message>
    <message>
        <source>Run enabled</source>
        <translation>啟用執行</translation>
    </message>
    <message>
        <source>Colour (click to change)</source>
        <translation>顏色（點選修改）</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>最佳化器</translation>
    </message>
    <message>
        <source>Steps the run took to converge (gradient norm below tol), from the engine</source>
        <translation>執行收斂所用的步數（梯度範數低於 tol），來自引擎</translation>
    </message>
    <message>
        <source>Learning rate and every hyperparameter not at its default, then the run&apos;s own noise σ or batch size where it overrides the experiment&apos;s</source>
        <translation>學習率和所有非預設的超引數，以及此執行覆蓋實驗設定的噪聲 σ 或批次大小</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>Add a run (Adam, default hyperparameters)</source>
        <translation>新增一個執行（Adam，預設超引數）</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>刪除</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>複製</translation>
    </message>
    <message>
        <source>Selected run</source>
        <translation>所選執行</translation>
    </message>
    <message>
        <source>LR schedule</source>
        <translation>學習率排程</translation>
    </message>
    <message>
        <source>Experiment settings</source>
        <translation>實驗設定</translation>
    </message>
    <message>
        <source>{0} (click to change)</source>
        <translation>{0}（點選修改）</translation>
    </message>
    <message>
        <source>Enabled: untick to leave this run out</source>
        <translation>已啟用：取消勾選即可排除此執行</translation>
    </message>
    <message>
        <source>Double-click to rename</source>
        <translation>雙擊重新命名</translation>
    </message>
    <message>
        <source>Selected run: {0}</source>
        <translation>所選執行：{0}</translation>
    </message>
    <message>
        <source>experiment default (σ = {0})</source>
        <translation>實驗預設值（σ = {0}）</translation>
    </message>
    <message>
        <source>full batch</source>
        <translation>全批次</translation>
    </message>
    <message>
        <source>batch {0}</source>
        <translation>批次 {0}</translation>
    </message>
    <message>
        <source>experiment default ({0})</source>
        <translation>實驗預設值（{0}）</translation>
    </message>
    <message>
        <source>Step {0} / {1}{2}</source>
        <translation>第 {0} 步 / {1}{2}</translation>
    </message>
    <message>
        <source>Log height</source>
        <translation>對數高度</translation>
    </message>
    <message>
        <source>Compress heights logarithmically so low valleys stay visible</source>
        <translation>按對數壓縮高度，讓低谷保持可見</translation>
    </message>
    <message>
        <source>3-D view unavailable: no OpenGL context could be created on this display.</source>
        <translation>三維檢視無法使用：無法在此顯示器上建立 OpenGL 環境。</translation>
    </message>
    <message>
        <source>3-D view unavailable: {0}</source>
        <translation>三維檢視無法使用：{0}</translation>
    </message>
    <message>
        <source> (log height)</source>
        <translation>（對數高度）</translation>
    </message>
    <message>
        <source>start</source>
        <translation>起點</translation>
    </message>
    <message>
        <source>λmax of the Hessian along each path (solid); dashed: the largest stable curvature, 2/η for GD (2(1+μ)/η with momentum); adaptive rules precondition it</source>
        <translation>沿每條路徑的 Hessian 最大特徵值 λmax（實線）；虛線：最大穩定曲率，GD 為 2/η（帶動量為 2(1+μ)/η）；自適應規則會對其預條件化</translation>
    </message>
    <message>
        <source>sharpness λmax and 2/η</source>
        <translation>尖銳度 λmax 與 2/η</translation>
    </message>
    <message>
        <source>{0}: playing fast — pause to see the numbers</source>
        <translation>{0}：正在快速播放——暫停後可檢視數值</translation>
    </message>
    <message>
        <source>Momentum / first-moment arrows (direction of −m)</source>
        <translation>動量 / 一階矩箭頭（−m 的方向）</translation>
    </message>
    <message>
        <source>Adaptive step boxes (sides ∝ per-coordinate step size)</source>
        <translation>自適應步長方框（邊長 ∝ 各座標的步長）</translation>
    </message>
    <message>
        <source>{0} {1} step {2}</source>
        <translation>{0} {1} 第 {2} 步</translation>
    </message>
    <message>
        <source>stability map</source>
        <translation>穩定性圖</translation>
    </message>
    <message>
        <source>lr from</source>
        <translation>lr 從</translation>
    </message>
    <message>
        <source>to</source>
        <translation>到</translation>
    </message>
    <message>
        <source>cells</source>
        <translation>格數</translation>
    </message>
    <message>
        <source>steps</source>
        <translation>步數</translation>
    </message>
    <message>
        <source>colour by</source>
        <translation>著色依據</translation>
    </message>
    <message>
        <source>Loss landscape</source>
        <translation>損失地形</translation>
    </message>
    <message>
        <source>Random directions (filter-normalized)</source>
        <translation>隨機方向（按濾波器歸一化）</translation>
    </message>
    <message>
        <source>Principal directions of the trajectory (PCA)</source>
        <translation>軌跡的主方向（PCA）</translation>
    </message>
    <message>
        <source>Half-width of the plane: in units of the directions (random) or of the trajectory&apos;s extent (PCA)</source>
        <translation>平面的半寬：以方向為單位（隨機）或以軌跡的範圍為單位（PCA）</translation>
    </message>
    <message>
        <source>Compute</source>
        <translation>計算</translation>
    </message>
    <message>
        <source>The plane goes through the selected run&apos;s weights at the shown step; press Compute.</source>
        <translation>平面經過所選執行在當前顯示步的權重；請按“計算”。</translation>
    </message>
    <message>
        <source>span</source>
        <translation>範圍</translation>
    </message>
    <message>
        <source>grid</source>
        <translation>網格</translation>
    </message>
    <message>
        <source>α (direction 1)</source>
        <translation>α（方向 1）</translation>
    </message>
    <message>
        <source>β (direction 2)</source>
        <translation>β（方向 2）</translation>
    </message>
    <message>
        <source>Contour</source>
        <translation>等高線</translation>
    </message>
    <message>
        <source>3-D</source>
        <translation>三維</translation>
    </message>
    <message>
        <source>The landscape as a surface with every run&apos;s path on it (needs OpenGL)</source>
        <translation>以曲面顯示地形，並在其上畫出每次執行的路徑（需要 OpenGL）</translation>
    </message>
    <message>
        <source>Computing around {0}…</source>
        <translation>正在圍繞 {0} 計算…</translation>
    </message>
    <message>
        <source>random filter-normalized directions</source>
        <translation>按濾波器歸一化的隨機方向</translation>
    </message>
    <message>
        <source>PCA directions ({0:.0%} + {1:.0%} of the trajectory&apos;s variance)</source>
        <translation>PCA 方向（佔軌跡方差的 {0:.0%} + {1:.0%}）</translation>
    </message>
    <message>
        <source>Training objective around {0} along {1}; colours: log(loss − min), min {2:.4g}.</source>
        <translation>圍繞 {0} 沿{1}的訓練目標；顏色：log(loss − min)，最小值 {2:.4g}。</translation>
    </message>
    <message>
        <source>No run to map: add one in the Runs panel.</source>
        <translation>沒有可繪製的執行：請在執行面板中新增一個。</translation>
    </message>
    <message>
        <source>Run &lt;b&gt;{0}&lt;/b&gt; ({1}): lr × a second hyperparameter, from the run&apos;s start, full batch, no noise</source>
        <translation>執行 &lt;b&gt;{0}&lt;/b&gt;（{1}）：lr × 第二個超引數，從該執行的起點出發，全批次，無噪聲</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:#c0392b&apos;&gt;{0}&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:#c0392b&apos;&gt;{0}&lt;/span&gt;</translation>
    </message>
    <message>
        <source>Computing {0} cells × {1} steps…</source>
        <translation>正在計算 {0} 格 × {1} 步…</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>{0} ran all steps, {1} converged, {2} diverged. Click a cell to apply its values.</source>
        <translation>{0} 個跑完所有步，{1} 個收斂，{2} 個發散。點選某一格即可應用其引數值。</translation>
    </message>
    <message>
        <source>The mapped run changed optimizer: compute the map again.</source>
        <translation>所繪製的執行更換了最佳化器：請重新計算。</translation>
    </message>
    <message>
        <source>Applied {0} to run {1}.</source>
        <translation>已將 {0} 應用到執行 {1}。</translation>
    </message>
    <message>
        <source>{0} from ({1:g}, {2:g})</source>
        <translation>{0} 從 ({1:g}, {2:g}) 出發</translation>
    </message>
    <message>
        <source>Sharpness</source>
        <translation>尖銳度</translation>
    </message>
    <message>
        <source>Effective step</source>
        <translation>有效步長</translation>
    </message>
    <message>
        <source>Race</source>
        <translation>競賽</translation>
    </message>
    <message>
        <source>Explain step</source>
        <translation>解釋這一步</translation>
    </message>
    <message>
        <source>Curvature axes (Hessian eigenvectors, arms ∝ |λ|)</source>
        <translation>曲率軸（Hessian 特徵向量，臂長 ∝ |λ|）</translation>
    </message>
    <message>
        <source>Why: sharpness, effective step, race, explanation</source>
        <translation>原因：尖銳度、有效步長、競賽、解釋</translation>
    </message>
    <message>
        <source>Stability map (lr × a second hyperparameter)</source>
        <translation>穩定性圖（lr × 第二個超引數）</translation>
    </message>
    <message>
        <source>one sample:</source>
        <translation>單一樣本：</translation>
    </message>
    <message>
        <source>Show one training point&apos;s forward and backward pass. Ctrl-click a point on the decision map (or turn on Inspect there) to choose it</source>
        <translation>顯示一個訓練點的前向和反向傳播。在決策圖上 Ctrl+按一下一個點（或開啟那裡的「檢查」）來選擇它</translation>
    </message>
    <message>
        <source>Index of the training point whose forward and backward pass the diagram shows</source>
        <translation>網路圖顯示其前向和反向傳播的訓練點的序號</translation>
    </message>
    <message>
        <source>click a link to edit its weight</source>
        <translation>點擊連線以編輯其權重</translation>
    </message>
    <message>
        <source>weight:</source>
        <translation>權重：</translation>
    </message>
    <message>
        <source>Sample {0}: loss {1}. Nodes: z (pre-activation) → a; ∂L/∂z. Links: ∂L/∂W.</source>
        <translation>樣本 {0}：損失 {1}。節點：z（激活前）→ a；∂L/∂z。連線：∂L/∂W。</translation>
    </message>
    <message>
        <source>{0} at step {1}: each node maps its value over the input plane; hover for numbers. Ctrl-click a training point on the decision map to follow it through the network.</source>
        <translation>{0}，第 {1} 步：每個節點顯示其在輸入平面上的取值；懸停查看數值。在決策圖上 Ctrl+按一下訓練點可在網路中追蹤它。</translation>
    </message>
    <message>
        <source>∂L/∂W (last step, batch) = {0}</source>
        <translation>∂L/∂W（上一步，批次）= {0}</translation>
    </message>
    <message>
        <source>∂L/∂W (sample {0}) = {1}</source>
        <translation>∂L/∂W（樣本 {0}）= {1}</translation>
    </message>
    <message>
        <source>layer {0}, node {1}</source>
        <translation>第 {0} 層，節點 {1}</translation>
    </message>
    <message>
        <source>input = {0}</source>
        <translation>輸入 = {0}</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; is not a number</source>
        <translation>「{0}」不是數字</translation>
    </message>
    <message>
        <source>W{0}[{1},{2}] set to {3}: the run continues from there.</source>
        <translation>W{0}[{1},{2}] 已設為 {3}：執行從此繼續。</translation>
    </message>
</context>
</TS>
