<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
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
        <translation>{0} — 第 {1} 步（第 {2} 个周期）</translation>
    </message>
    <message>
        <source>Export animation</source>
        <translation>导出动画</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>File (.gif or .mp4)</source>
        <translation>文件（.gif 或 .mp4）</translation>
    </message>
    <message>
        <source>Size (width × height, px)</source>
        <translation>尺寸（宽 × 高，px）</translation>
    </message>
    <message>
        <source>Frames per second</source>
        <translation>每秒帧数</translation>
    </message>
    <message>
        <source>Steps (first, last)</source>
        <translation>步数范围（起，止）</translation>
    </message>
    <message>
        <source>Frames spread evenly over the steps (at most one per step)</source>
        <translation>帧均匀分布在各步上（每步最多一帧）</translation>
    </message>
    <message>
        <source>Frames</source>
        <translation>帧数</translation>
    </message>
    <message>
        <source>with the loss panel</source>
        <translation>包含损失面板</translation>
    </message>
    <message>
        <source>GIF (*.gif);;MP4 video (*.mp4)</source>
        <translation>GIF (*.gif);;MP4 视频 (*.mp4)</translation>
    </message>
    <message>
        <source>Cannot export animation</source>
        <translation>无法导出动画</translation>
    </message>
    <message>
        <source>Rendering animation frames…</source>
        <translation>正在渲染动画帧…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Frame {0} of {1}</source>
        <translation>第 {0} 帧，共 {1} 帧</translation>
    </message>
    <message>
        <source>Running the simulation: step {0} of {1}</source>
        <translation>正在运行模拟：第 {0} 步，共 {1} 步</translation>
    </message>
    <message>
        <source>Exported {0} ({1} frames)</source>
        <translation>已导出 {0}（{1} 帧）</translation>
    </message>
    <message>
        <source>Animation export cancelled</source>
        <translation>动画导出已取消</translation>
    </message>
    <message>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <source>{0}: {1}

The app keeps running; details were written to the terminal.</source>
        <translation>{0}：{1}

程序会继续运行；详细信息已写入终端。</translation>
    </message>
    <message>
        <source>Could not restore the last session</source>
        <translation>无法恢复上次的会话</translation>
    </message>
    <message>
        <source>started a new one</source>
        <translation>已开始新的会话</translation>
    </message>
    <message>
        <source>Restored the last session</source>
        <translation>已恢复上次的会话</translation>
    </message>
    <message>
        <source>Autosave is off</source>
        <translation>自动保存已关闭</translation>
    </message>
    <message>
        <source>Computing basin map ({0}×{1} starts, {2} steps)…</source>
        <translation>正在计算吸引域图（{0}×{1} 个起点，{2} 步）…</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>单步</translation>
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
        <translation>播放 / 暂停（空格）</translation>
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
        <translation>每秒步数，对数刻度，1 到 100,000</translation>
    </message>
    <message>
        <source>Steps per second asked for; while playing, the rate reached (the engine and the drawing may not keep up)</source>
        <translation>设定的每秒步数；播放时显示实际达到的速率（引擎和绘图可能跟不上）</translation>
    </message>
    <message>
        <source> Timeline </source>
        <translation> 时间轴 </translation>
    </message>
    <message>
        <source>Scrub back to any recorded step; Step or Play returns to live</source>
        <translation>拖回任意已记录的步；单步或播放会回到最新状态</translation>
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
        <translation>损失曲面 f(x, y)</translation>
    </message>
    <message>
        <source>Custom…</source>
        <translation>自定义…</translation>
    </message>
    <message>
        <source>Custom surfaces are not available in this build</source>
        <translation>此版本不提供自定义曲面</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>no known minimum</source>
        <translation>没有已知的最小值</translation>
    </message>
    <message>
        <source>loss − ({0})</source>
        <translation>损失 − ({0})</translation>
    </message>
    <message>
        <source> (linear: some values ≤ 0)</source>
        <translation>（线性：有些值 ≤ 0）</translation>
    </message>
    <message>
        <source>Custom surface</source>
        <translation>自定义曲面</translation>
    </message>
    <message>
        <source>Type f(x, y) with x, y, numbers, + - * / and ^ (power), the constants pi and e, and the functions {0} (min and max take two or more arguments). The gradient is exact: it is derived symbolically.</source>
        <translation>输入 f(x, y)，可用 x、y、数字、+ - * / 和 ^（乘方）、常数 pi 和 e，以及函数 {0}（min 和 max 接受两个或更多参数）。梯度是精确的：由符号求导得出。</translation>
    </message>
    <message>
        <source>Examples…</source>
        <translation>示例…</translation>
    </message>
    <message>
        <source>View domain</source>
        <translation>视图范围</translation>
    </message>
    <message>
        <source>{0} of the view (the heatmap shown; runs may leave it)</source>
        <translation>视图的 {0}（显示的热图范围；运行可以离开它）</translation>
    </message>
    <message>
        <source>Suggested</source>
        <translation>建议值</translation>
    </message>
    <message>
        <source>Back to the suggested view domain</source>
        <translation>恢复建议的视图范围</translation>
    </message>
    <message>
        <source>learning rate η (base rate the schedule starts from)</source>
        <translation>学习率 η（调度开始时的基础学习率）</translation>
    </message>
    <message>
        <source>maximize: gradient ascent, the rule steps along −g</source>
        <translation>maximize：梯度上升，规则沿 −g 的反方向前进</translation>
    </message>
    <message>
        <source>momentum μ: weight of the previous buffer</source>
        <translation>动量 μ：上一步缓冲的权重</translation>
    </message>
    <message>
        <source>dampening τ: the gradient enters the buffer scaled by 1 − τ</source>
        <translation>阻尼 τ：梯度乘以 1 − τ 后进入缓冲</translation>
    </message>
    <message>
        <source>Nesterov momentum: step along g + μb instead of b</source>
        <translation>Nesterov 动量：沿 g + μb 而不是 b 走一步</translation>
    </message>
    <message>
        <source>L2 weight decay λ: adds λθ to the gradient</source>
        <translation>L2 权重衰减 λ：在梯度上加 λθ</translation>
    </message>
    <message>
        <source>learning-rate decay: η/(1 + (t − 1)·lr_decay)</source>
        <translation>学习率衰减：η/(1 + (t − 1)·lr_decay)</translation>
    </message>
    <message>
        <source>starting value of the sum of g²</source>
        <translation>g² 累加和的初始值</translation>
    </message>
    <message>
        <source>ε added to the denominator for numerical stability</source>
        <translation>加到分母上的 ε，用于数值稳定</translation>
    </message>
    <message>
        <source>smoothing constant α of the squared-gradient average</source>
        <translation>梯度平方平均的平滑常数 α</translation>
    </message>
    <message>
        <source>centered: normalize by the variance estimate v − ḡ²</source>
        <translation>中心化：用方差估计 v − ḡ² 归一化</translation>
    </message>
    <message>
        <source>decay rate ρ of both running averages</source>
        <translation>两个滑动平均的衰减率 ρ</translation>
    </message>
    <message>
        <source>β₁: decay rate of the first-moment average m</source>
        <translation>β₁：一阶矩平均 m 的衰减率</translation>
    </message>
    <message>
        <source>β₂: decay rate of the second-moment average v</source>
        <translation>β₂：二阶矩平均 v 的衰减率</translation>
    </message>
    <message>
        <source>AMSGrad: divide by the running maximum of v</source>
        <translation>AMSGrad：除以 v 的历史最大值</translation>
    </message>
    <message>
        <source>decoupled weight decay (AdamW&apos;s): θ ← θ(1 − ηλ) instead of adding λθ to g</source>
        <translation>解耦权重衰减（AdamW 的做法）：θ ← θ(1 − ηλ)，而不是把 λθ 加到 g 上</translation>
    </message>
    <message>
        <source>decoupled weight decay λ: θ ← θ(1 − ηλ) before the step</source>
        <translation>解耦权重衰减 λ：更新前 θ ← θ(1 − ηλ)</translation>
    </message>
    <message>
        <source>β₂: decay rate of the second-moment average</source>
        <translation>β₂：二阶矩平均的衰减率</translation>
    </message>
    <message>
        <source>momentum decay ψ of the μ_t schedule</source>
        <translation>μ_t 调度的动量衰减 ψ</translation>
    </message>
    <message>
        <source>η₋: step-size factor when the gradient flips sign</source>
        <translation>η₋：梯度变号时的步长系数</translation>
    </message>
    <message>
        <source>η₊: step-size factor while the gradient keeps its sign</source>
        <translation>η₊：梯度保持符号时的步长系数</translation>
    </message>
    <message>
        <source>smallest step size Δ_min</source>
        <translation>最小步长 Δ_min</translation>
    </message>
    <message>
        <source>largest step size Δ_max</source>
        <translation>最大步长 Δ_max</translation>
    </message>
    <message>
        <source>decay term λ of the step size η_t</source>
        <translation>步长 η_t 的衰减项 λ</translation>
    </message>
    <message>
        <source>power α of the step-size decay</source>
        <translation>步长衰减的幂 α</translation>
    </message>
    <message>
        <source>step t₀ after which the iterates are averaged</source>
        <translation>从第 t₀ 步起对迭代点求平均</translation>
    </message>
    <message>
        <source>β₂ decay: 1 − β₂,t = t^beta2_decay</source>
        <translation>β₂ 衰减：1 − β₂,t = t^beta2_decay</translation>
    </message>
    <message>
        <source>ε₁ floor of v (none: the machine ε, as torch&apos;s None)</source>
        <translation>v 的下限 ε₁（none：机器 ε，同 torch 的 None）</translation>
    </message>
    <message>
        <source>ε₂ floor of the parameters&apos; RMS in the relative step</source>
        <translation>相对步长中参数 RMS 的下限 ε₂</translation>
    </message>
    <message>
        <source>clipping threshold d of the update&apos;s RMS (torch: ≥ 1)</source>
        <translation>更新量 RMS 的裁剪阈值 d（torch：≥ 1）</translation>
    </message>
    <message>
        <source>β₂: decay rate of the momentum m</source>
        <translation>β₂：动量 m 的衰减率</translation>
    </message>
    <message>
        <source>β: decay rate of the momentum average</source>
        <translation>β：动量平均的衰减率</translation>
    </message>
    <message>
        <source>ν: weight of the momentum average against the raw gradient</source>
        <translation>ν：动量平均相对于原始梯度的权重</translation>
    </message>
    <message>
        <source>ν₁: weight of m against g in the numerator</source>
        <translation>ν₁：分子中 m 相对于 g 的权重</translation>
    </message>
    <message>
        <source>ν₂: weight of v against g² in the denominator</source>
        <translation>ν₂：分母中 v 相对于 g² 的权重</translation>
    </message>
    <message>
        <source>starting value of m and v</source>
        <translation>m 和 v 的初始值</translation>
    </message>
    <message>
        <source>momentum μ: weight of the previous buffer (interpolation β)</source>
        <translation>动量 μ：上一步缓冲的权重（插值系数 β）</translation>
    </message>
    <message>
        <source>steps between decays</source>
        <translation>两次衰减之间的步数</translation>
    </message>
    <message>
        <source>multiplicative decay factor γ</source>
        <translation>乘性衰减因子 γ</translation>
    </message>
    <message>
        <source>step at which the cosine reaches eta_min</source>
        <translation>余弦降到 eta_min 的步数</translation>
    </message>
    <message>
        <source>final (minimum) learning rate</source>
        <translation>最终（最小）学习率</translation>
    </message>
    <message>
        <source>warmup steps (0 &lt; warmup &lt; t_max)</source>
        <translation>预热步数（0 &lt; warmup &lt; t_max）</translation>
    </message>
    <message>
        <source>decay rate of 1/(1 + decay·t)</source>
        <translation>1/(1 + decay·t) 的衰减率</translation>
    </message>
    <message>
        <source>factor of lr₀ at step 0</source>
        <translation>第 0 步时 lr₀ 的系数</translation>
    </message>
    <message>
        <source>factor of lr₀ from step total_iters on</source>
        <translation>从第 total_iters 步起 lr₀ 的系数</translation>
    </message>
    <message>
        <source>steps of the ramp</source>
        <translation>线性变化的步数</translation>
    </message>
    <message>
        <source>steps until the rate reaches 0</source>
        <translation>学习率降到 0 所需的步数</translation>
    </message>
    <message>
        <source>exponent of the decay (1: linear)</source>
        <translation>衰减的指数（1：线性）</translation>
    </message>
    <message>
        <source>steps at which the rate is multiplied by γ</source>
        <translation>学习率乘以 γ 的那些步</translation>
    </message>
    <message>
        <source>steps of the first cycle</source>
        <translation>第一个周期的步数</translation>
    </message>
    <message>
        <source>each cycle is t_mult times longer than the last</source>
        <translation>每个周期是上一个的 t_mult 倍长</translation>
    </message>
    <message>
        <source>steps of the cycle</source>
        <translation>周期的步数</translation>
    </message>
    <message>
        <source>fraction of the cycle spent warming up</source>
        <translation>周期中用于预热的比例</translation>
    </message>
    <message>
        <source>shape of the warm-up and the anneal</source>
        <translation>预热和退火的曲线形状</translation>
    </message>
    <message>
        <source>the cycle starts at lr₀/div_factor</source>
        <translation>周期从 lr₀/div_factor 开始</translation>
    </message>
    <message>
        <source>it ends at lr₀/(div_factor·final_div_factor)</source>
        <translation>结束于 lr₀/(div_factor·final_div_factor)</translation>
    </message>
    <message>
        <source>come back down to the start before the final anneal</source>
        <translation>最终退火前先降回起始值</translation>
    </message>
    <message>
        <source>lowest rate of the cycle</source>
        <translation>周期中的最低学习率</translation>
    </message>
    <message>
        <source>steps from base_lr up to lr₀</source>
        <translation>从 base_lr 升到 lr₀ 的步数</translation>
    </message>
    <message>
        <source>steps from lr₀ back down; none: the same as step_size_up</source>
        <translation>从 lr₀ 降回的步数；none：与 step_size_up 相同</translation>
    </message>
    <message>
        <source>how the peak changes from cycle to cycle</source>
        <translation>峰值在各周期之间如何变化</translation>
    </message>
    <message>
        <source>exp_range: the peak shrinks by γ^t</source>
        <translation>exp_range：峰值按 γ^t 缩小</translation>
    </message>
    <message>
        <source>the rate is multiplied by this on a plateau</source>
        <translation>进入平台期时学习率乘以此值</translation>
    </message>
    <message>
        <source>steps without improvement tolerated</source>
        <translation>容忍没有改进的步数</translation>
    </message>
    <message>
        <source>smallest improvement that counts</source>
        <translation>算作改进的最小幅度</translation>
    </message>
    <message>
        <source>rel: relative to best; abs: absolute</source>
        <translation>rel：相对于最佳值；abs：绝对值</translation>
    </message>
    <message>
        <source>steps to wait after a drop before counting again</source>
        <translation>降低后重新计数前等待的步数</translation>
    </message>
    <message>
        <source>the rate never drops below this</source>
        <translation>学习率不会低于此值</translation>
    </message>
    <message>
        <source>drops smaller than this are skipped</source>
        <translation>小于此值的降低会被跳过</translation>
    </message>
    <message>
        <source>curvature ratio c of y to x</source>
        <translation>y 与 x 的曲率比 c</translation>
    </message>
    <message>
        <source>minimum at (a, a²)</source>
        <translation>最小值位于 (a, a²)</translation>
    </message>
    <message>
        <source>steepness of the valley walls</source>
        <translation>谷壁的陡峭程度</translation>
    </message>
    <message>
        <source>number of synthetic data points</source>
        <translation>合成数据点的数量</translation>
    </message>
    <message>
        <source>standard deviation of the noise on y</source>
        <translation>y 上噪声的标准差</translation>
    </message>
    <message>
        <source>seed of the synthetic data set</source>
        <translation>合成数据集的随机种子</translation>
    </message>
    <message>
        <source>spread of each class cloud</source>
        <translation>每个类别点云的分散程度</translation>
    </message>
    <message>
        <source>Constant</source>
        <translation>常数</translation>
    </message>
    <message>
        <source>Step decay</source>
        <translation>阶梯衰减</translation>
    </message>
    <message>
        <source>Exponential decay</source>
        <translation>指数衰减</translation>
    </message>
    <message>
        <source>Cosine annealing</source>
        <translation>余弦退火</translation>
    </message>
    <message>
        <source>Linear warmup + cosine</source>
        <translation>线性预热 + 余弦</translation>
    </message>
    <message>
        <source>Inverse-time decay</source>
        <translation>反时间衰减</translation>
    </message>
    <message>
        <source>Linear ramp</source>
        <translation>线性变化</translation>
    </message>
    <message>
        <source>Polynomial decay</source>
        <translation>多项式衰减</translation>
    </message>
    <message>
        <source>Multi-step decay</source>
        <translation>多阶梯衰减</translation>
    </message>
    <message>
        <source>Cosine with warm restarts</source>
        <translation>带热重启的余弦</translation>
    </message>
    <message>
        <source>One-cycle</source>
        <translation>单周期</translation>
    </message>
    <message>
        <source>Cyclical (CLR)</source>
        <translation>循环（CLR）</translation>
    </message>
    <message>
        <source>Reduce on plateau</source>
        <translation>平台期衰减</translation>
    </message>
    <message>
        <source>σ of the Gaussian noise added to this run&apos;s gradients</source>
        <translation>加到此运行梯度上的高斯噪声的 σ</translation>
    </message>
    <message>
        <source>samples in this run&apos;s mini-batch gradients (data surfaces only)</source>
        <translation>此运行小批量梯度的样本数（仅数据曲面）</translation>
    </message>
    <message>
        <source>σ of Gaussian noise added to each gradient</source>
        <translation>加到每个梯度上的高斯噪声的 σ</translation>
    </message>
    <message>
        <source>random seed (noise, mini-batches); same seed → same paths</source>
        <translation>随机种子（噪声、小批量）；相同种子 → 相同路径</translation>
    </message>
    <message>
        <source>maximum number of steps</source>
        <translation>最大步数</translation>
    </message>
    <message>
        <source>a run converges when its gradient norm falls below this</source>
        <translation>梯度范数低于此值时运行即收敛</translation>
    </message>
    <message>
        <source>points generated (train + test)</source>
        <translation>生成的点数（训练 + 测试）</translation>
    </message>
    <message>
        <source>σ of the jitter added to the points</source>
        <translation>加到点上的抖动的 σ</translation>
    </message>
    <message>
        <source>share of the points held out for testing</source>
        <translation>留作测试的点的比例</translation>
    </message>
    <message>
        <source>number of classes (spiral arms, blobs)</source>
        <translation>类别数（螺旋臂、点团）</translation>
    </message>
    <message>
        <source>L1 penalty l1·Σ|W| on weight matrices (sparse weights)</source>
        <translation>权重矩阵上的 L1 惩罚 l1·Σ|W|（稀疏权重）</translation>
    </message>
    <message>
        <source>model L2: (l2/2)·ΣW² added to the loss, weight matrices only (not biases); torch: add it to the loss. A run&apos;s weight_decay is torch.optim&apos;s, on every parameter</source>
        <translation>模型 L2：把 (l2/2)·ΣW² 加到损失上，只作用于权重矩阵（不含偏置）；torch：加到损失中。运行的 weight_decay 是 torch.optim 的，作用于所有参数</translation>
    </message>
    <message>
        <source>inverted dropout (torch.nn.Dropout): hidden units dropped with this probability while training, the rest × 1/(1−p)</source>
        <translation>反向 dropout（torch.nn.Dropout）：训练时以此概率丢弃隐藏单元，其余乘以 1/(1−p)</translation>
    </message>
    <message>
        <source>batch norm before each hidden activation (torch BatchNorm1d: momentum 0.1, eps 1e-5)</source>
        <translation>每个隐藏层激活前做批归一化（torch BatchNorm1d：momentum 0.1，eps 1e-5）</translation>
    </message>
    <message>
        <source>hold out 20 % of the training rows for validation; stop a run after this many epochs without a lower validation loss and restore its best weights (0 = off)</source>
        <translation>留出 20% 的训练行作验证；验证损失连续这么多个周期没有下降就停止运行，并恢复最佳权重（0 = 关闭）</translation>
    </message>
    <message>
        <source>Every change here restarts all runs from the start point (while paused, they re-run at once up to the step shown); a new colour applies at once.</source>
        <translation>这里的每次修改都会让所有运行从起点重新开始（暂停时会立即重新运行到当前显示的步）；新颜色立即生效。</translation>
    </message>
    <message>
        <source>passes over the training set</source>
        <translation>遍历训练集的次数</translation>
    </message>
    <message>
        <source>samples per step: 0 = full batch, 1 = single sample</source>
        <translation>每步的样本数：0 = 全批量，1 = 单个样本</translation>
    </message>
    <message>
        <source>seed for data, initial weights, batches and dropout</source>
        <translation>数据、初始权重、批次和 dropout 的随机种子</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>converged</source>
        <translation>已收敛</translation>
    </message>
    <message>
        <source>diverged</source>
        <translation>已发散</translation>
    </message>
    <message>
        <source>max steps</source>
        <translation>达到最大步数</translation>
    </message>
    <message>
        <source>early_stopped</source>
        <translation>提前停止</translation>
    </message>
    <message>
        <source>max_epochs</source>
        <translation>达到最大周期</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>classification</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>regression</source>
        <translation>回归</translation>
    </message>
    <message>
        <source> (network)</source>
        <translation>（神经网络）</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>gradient norm</source>
        <translation>梯度范数</translation>
    </message>
    <message>
        <source>distance to nearest minimum</source>
        <translation>到最近最小值的距离</translation>
    </message>
    <message>
        <source>hover a plot to read each run&apos;s value at that step</source>
        <translation>将鼠标悬停在图上，读取每个运行在该步的值</translation>
    </message>
    <message>
        <source>hover the map to read f and its gradient there; click to start from there</source>
        <translation>将鼠标悬停在图上读取该处的 f 和梯度；点击即从该处出发</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Opt.</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>Hparams</source>
        <translation>超参数</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Conv.</source>
        <translation>收敛</translation>
    </message>
    <message>
        <source>Ravine: GD zig-zags, momentum glides</source>
        <translation>峡谷：GD 之字形前进，动量法顺滑滑行</translation>
    </message>
    <message>
        <source>Learning rate too large diverges</source>
        <translation>学习率过大会发散</translation>
    </message>
    <message>
        <source>Nesterov vs momentum: overshoot</source>
        <translation>Nesterov 与动量法：冲过头</translation>
    </message>
    <message>
        <source>Saddle point: stuck on the axis, escape off it</source>
        <translation>鞍点：在轴上卡住，离轴即可逃脱</translation>
    </message>
    <message>
        <source>AdaGrad&apos;s shrinking steps vs RMSprop</source>
        <translation>AdaGrad 不断缩小的步长与 RMSprop</translation>
    </message>
    <message>
        <source>Adam vs SGD on Rosenbrock</source>
        <translation>Rosenbrock 上的 Adam 与 SGD</translation>
    </message>
    <message>
        <source>Himmelblau: four minima from nearby starts</source>
        <translation>Himmelblau：相近起点通向四个最小值</translation>
    </message>
    <message>
        <source>Mini-batch noise: batch 1 vs 8 vs full</source>
        <translation>小批量噪声：批量 1、8 与全批量</translation>
    </message>
    <message>
        <source>One-cycle vs constant learning rate</source>
        <translation>单周期与常数学习率</translation>
    </message>
    <message>
        <source>Reduce on plateau: stairs down a noise floor</source>
        <translation>平台期衰减：沿噪声底部逐级下降</translation>
    </message>
    <message>
        <source>Lion&apos;s sign steps vs Adam</source>
        <translation>Lion 的符号步与 Adam</translation>
    </message>
    <message>
        <source>Schedule-free AdamW vs AdamW + cosine</source>
        <translation>无调度 AdamW 与 AdamW + 余弦</translation>
    </message>
    <message>
        <source>XOR without a hidden layer</source>
        <translation>没有隐藏层的 XOR</translation>
    </message>
    <message>
        <source>XOR with a hidden layer</source>
        <translation>有隐藏层的 XOR</translation>
    </message>
    <message>
        <source>Deep sigmoid net: vanishing gradients</source>
        <translation>深层 sigmoid 网络：梯度消失</translation>
    </message>
    <message>
        <source>Deep ReLU net: gradients flow</source>
        <translation>深层 ReLU 网络：梯度畅通</translation>
    </message>
    <message>
        <source>Adam vs SGD on the spiral</source>
        <translation>螺旋数据上的 Adam 与 SGD</translation>
    </message>
    <message>
        <source>L2 vs overfitting on noisy moons</source>
        <translation>在带噪声的月牙数据上用 L2 对抗过拟合</translation>
    </message>
    <message>
        <source>Early stopping</source>
        <translation>提前停止</translation>
    </message>
    <message>
        <source>Mini-batches: batch size 1</source>
        <translation>小批量：批量大小 1</translation>
    </message>
    <message>
        <source>Mini-batches: batch size 32</source>
        <translation>小批量：批量大小 32</translation>
    </message>
    <message>
        <source>Mini-batches: batch size full</source>
        <translation>小批量：全批量</translation>
    </message>
    <message>
        <source>Optimizers</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>Learning-rate schedules</source>
        <translation>学习率调度</translation>
    </message>
    <message>
        <source>Show me</source>
        <translation>演示给我看</translation>
    </message>
    <message>
        <source>Load an experiment that shows it</source>
        <translation>载入一个演示它的实验</translation>
    </message>
    <message>
        <source>The picture</source>
        <translation>形象理解</translation>
    </message>
    <message>
        <source>Update rule</source>
        <translation>更新规则</translation>
    </message>
    <message>
        <source>Rate at step t</source>
        <translation>第 t 步的学习率</translation>
    </message>
    <message>
        <source>When to use it</source>
        <translation>何时使用</translation>
    </message>
    <message>
        <source>What it fixes</source>
        <translation>它解决的问题</translation>
    </message>
    <message>
        <source>{0} is unavailable: {1}: {2}</source>
        <translation>{0}不可用：{1}：{2}</translation>
    </message>
    <message>
        <source>gdsim — gradient descent simulator</source>
        <translation>gdsim — 梯度下降模拟器</translation>
    </message>
    <message>
        <source>Surface</source>
        <translation>曲面</translation>
    </message>
    <message>
        <source>The 3-D view</source>
        <translation>三维视图</translation>
    </message>
    <message>
        <source>Surfaces</source>
        <translation>曲面</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>神经网络</translation>
    </message>
    <message>
        <source>The runs panel</source>
        <translation>运行面板</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>The Learn panel</source>
        <translation>学习面板</translation>
    </message>
    <message>
        <source>Learn</source>
        <translation>学习</translation>
    </message>
    <message>
        <source>Loading the compiled network kernels (compiled once after an install)…</source>
        <translation>正在载入编译好的网络内核（安装后首次使用时编译一次）…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;New</source>
        <translation>新建(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>Open &amp;test data…</source>
        <translation>打开测试数据(&amp;T)…</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Export trajectory CSV…</source>
        <translation>导出轨迹 CSV(&amp;E)…</translation>
    </message>
    <message>
        <source>Export &amp;image</source>
        <translation>导出图片(&amp;I)</translation>
    </message>
    <message>
        <source>Export &amp;animation…</source>
        <translation>导出动画(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Simulation</source>
        <translation>模拟(&amp;S)</translation>
    </message>
    <message>
        <source>Play / Pause</source>
        <translation>播放 / 暂停</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Gradient arrows (−∇f direction)</source>
        <translation>梯度箭头（−∇f 方向）</translation>
    </message>
    <message>
        <source>Step arrows (last step of each run)</source>
        <translation>步长箭头（每个运行的最后一步）</translation>
    </message>
    <message>
        <source>Basin map (which minimum each start reaches)</source>
        <translation>吸引域图（每个起点到达哪个最小值）</translation>
    </message>
    <message>
        <source>Stretch to fill (unequal x and y scales)</source>
        <translation>拉伸填满（x 与 y 比例不同）</translation>
    </message>
    <message>
        <source>Off: one unit is as long on x as on y, so a round bowl looks round</source>
        <translation>关闭时：x 和 y 上的单位长度相同，圆碗看起来是圆的</translation>
    </message>
    <message>
        <source>Reset zoom</source>
        <translation>重置缩放</translation>
    </message>
    <message>
        <source>&amp;Presets</source>
        <translation>预设(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Network</source>
        <translation>神经网络(&amp;N)</translation>
    </message>
    <message>
        <source>(no presets found)</source>
        <translation>（未找到预设）</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About gdsim</source>
        <translation>关于 gdsim(&amp;A)</translation>
    </message>
    <message>
        <source>Se&amp;ttings</source>
        <translation>设置(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>The language changes when gdsim restarts</source>
        <translation>重新启动 gdsim 后语言生效</translation>
    </message>
    <message>
        <source>Surface panel</source>
        <translation>曲面面板</translation>
    </message>
    <message>
        <source>Loss curve</source>
        <translation>损失曲线</translation>
    </message>
    <message>
        <source>Learning-rate curve</source>
        <translation>学习率曲线</translation>
    </message>
    <message>
        <source>Gradient-norm curve</source>
        <translation>梯度范数曲线</translation>
    </message>
    <message>
        <source>Distance-to-minimum curve</source>
        <translation>到最小值距离曲线</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Open experiment</source>
        <translation>打开实验</translation>
    </message>
    <message>
        <source>Cannot open experiment</source>
        <translation>无法打开实验</translation>
    </message>
    <message>
        <source>{0!r} is a network experiment, and the Network tab is unavailable</source>
        <translation>{0!r} 是神经网络实验，但神经网络标签页不可用</translation>
    </message>
    <message>
        <source>Cannot save experiment</source>
        <translation>无法保存实验</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>已保存 {0}</translation>
    </message>
    <message>
        <source>A CSV export is already running (see its progress)</source>
        <translation>已有一个 CSV 导出正在进行（请查看其进度）</translation>
    </message>
    <message>
        <source>Preparing the CSV…</source>
        <translation>正在准备 CSV…</translation>
    </message>
    <message>
        <source>Export trajectory CSV</source>
        <translation>导出轨迹 CSV</translation>
    </message>
    <message>
        <source>CSV (*.csv);;All files (*)</source>
        <translation>CSV (*.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Cannot export CSV</source>
        <translation>无法导出 CSV</translation>
    </message>
    <message>
        <source>Exporting {0}…</source>
        <translation>正在导出 {0}…</translation>
    </message>
    <message>
        <source>Export cancelled: {0} was not written</source>
        <translation>导出已取消：未写入 {0}</translation>
    </message>
    <message>
        <source>Exported {0}</source>
        <translation>已导出 {0}</translation>
    </message>
    <message>
        <source>Cannot load preset</source>
        <translation>无法载入预设</translation>
    </message>
    <message>
        <source>Loaded preset: {0}</source>
        <translation>已载入预设：{0}</translation>
    </message>
    <message>
        <source>Cannot load the example</source>
        <translation>无法载入示例</translation>
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
        <translation>关于 gdsim</translation>
    </message>
    <message>
        <source>gdsim — a simulator for the gradient-descent family of optimizers.</source>
        <translation>gdsim — 梯度下降类优化器的模拟器。</translation>
    </message>
    <message>
        <source>Loaded weights do not fit the new network; using fresh weights</source>
        <translation>载入的权重与新网络不匹配；改用新的初始权重</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>CSV file…</source>
        <translation>CSV 文件…</translation>
    </message>
    <message>
        <source>Data set</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Hidden layer widths, e.g. 8,8 (empty: no hidden layer)</source>
        <translation>隐藏层宽度，例如 8,8（留空：没有隐藏层）</translation>
    </message>
    <message>
        <source>Hidden layers</source>
        <translation>隐藏层</translation>
    </message>
    <message>
        <source>Activation</source>
        <translation>激活函数</translation>
    </message>
    <message>
        <source>Every change here restarts all runs from the initial weights (a new colour applies at once). A run&apos;s weight_decay is torch.optim&apos;s: λ·θ on every parameter, biases too (decoupled in adamw); the Model tab&apos;s l2 penalizes weight matrices only.</source>
        <translation>这里的每次修改都会让所有运行从初始权重重新开始（新颜色立即生效）。运行的 weight_decay 是 torch.optim 的：对每个参数（包括偏置）施加 λ·θ（adamw 中为解耦形式）；模型标签页的 l2 只惩罚权重矩阵。</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source> (+{0} validation)</source>
        <translation>（+{0} 验证）</translation>
    </message>
    <message>
        <source> from {0}</source>
        <translation>（来自 {0}）</translation>
    </message>
    <message>
        <source>, {0} classes</source>
        <translation>，{0} 类</translation>
    </message>
    <message>
        <source>{0} train{1} · {2} test{3} · {4} features · {5}</source>
        <translation>训练 {0}{1} · 测试 {2}{3} · {4} 个特征 · {5}</translation>
    </message>
    <message>
        <source>, … ({0} in all)</source>
        <translation>，…（共 {0} 个）</translation>
    </message>
    <message>
        <source>
classes (label → class): {0}{1}</source>
        <translation>
类别（标签 → 类别）：{0}{1}</translation>
    </message>
    <message>
        <source>Init</source>
        <translation>初始化</translation>
    </message>
    <message>
        <source>feed {0} to the network (2-D data only)</source>
        <translation>把 {0} 输入网络（仅二维数据）</translation>
    </message>
    <message>
        <source>Inputs</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Regularization</source>
        <translation>正则化</translation>
    </message>
    <message>
        <source>{0} · {1} weights</source>
        <translation>{0} · {1} 个权重</translation>
    </message>
    <message>
        <source>Open data CSV</source>
        <translation>打开数据 CSV</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Train loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>run disabled</source>
        <translation>运行已停用</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source> Preset </source>
        <translation> 预设 </translation>
    </message>
    <message>
        <source>step taken ÷ gradient per coordinate: x solid, y dashed (plain GD: flat at η; AdaGrad decays; Adam normalises)</source>
        <translation>每个坐标的实际步长 ÷ 梯度：x 实线，y 虚线（普通 GD：恒为 η；AdaGrad 逐渐衰减；Adam 做归一化）</translation>
    </message>
    <message>
        <source>effective step size  −Δθᵢ / gᵢ</source>
        <translation>有效步长  −Δθᵢ / gᵢ</translation>
    </message>
    <message>
        <source>loss tolerance (loss − f* ≤)</source>
        <translation>损失容差（loss − f* ≤）</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Export race table</source>
        <translation>导出竞赛表</translation>
    </message>
    <message>
        <source>Cannot export race table</source>
        <translation>无法导出竞赛表</translation>
    </message>
    <message>
        <source>Decision boundary / fit</source>
        <translation>决策边界 / 拟合</translation>
    </message>
    <message>
        <source>Weight-space slice</source>
        <translation>权重空间切片</translation>
    </message>
    <message>
        <source>Loss curves</source>
        <translation>损失曲线</translation>
    </message>
    <message>
        <source>Accuracy curves</source>
        <translation>准确率曲线</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Gradient norm per layer</source>
        <translation>每层梯度范数</translation>
    </message>
    <message>
        <source>Training steps per second achieved while playing (the speed setting is the most it asks for)</source>
        <translation>播放时实际达到的每秒训练步数（速度设置是它请求的上限）</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <source>Save weights…</source>
        <translation>保存权重…</translation>
    </message>
    <message>
        <source>Load weights…</source>
        <translation>载入权重…</translation>
    </message>
    <message>
        <source>Open test data…</source>
        <translation>打开测试数据…</translation>
    </message>
    <message>
        <source>Diagram</source>
        <translation>网络图</translation>
    </message>
    <message>
        <source>Loss landscape…</source>
        <translation>损失地形…</translation>
    </message>
    <message>
        <source>The network diagram beside the decision map: each neuron&apos;s map, the weights as links; Ctrl-click a training point to follow it</source>
        <translation>决策图旁的网络图：每个神经元的取值图，权重画成连线；Ctrl+单击训练点可跟踪它</translation>
    </message>
    <message>
        <source>The selected run&apos;s weights at the shown step</source>
        <translation>所选运行在当前显示步的权重</translation>
    </message>
    <message>
        <source>Start every run from these weights</source>
        <translation>让每个运行都从这些权重开始</translation>
    </message>
    <message>
        <source>Test rows from a CSV with the training CSV&apos;s columns: every training row then trains</source>
        <translation>从与训练 CSV 列相同的 CSV 读取测试行：此时所有训练行都参与训练</translation>
    </message>
    <message>
        <source>Export image</source>
        <translation>导出图片</translation>
    </message>
    <message>
        <source>Open network experiment</source>
        <translation>打开神经网络实验</translation>
    </message>
    <message>
        <source>Save network experiment</source>
        <translation>保存神经网络实验</translation>
    </message>
    <message>
        <source>Export training CSV</source>
        <translation>导出训练 CSV</translation>
    </message>
    <message>
        <source>Save weights</source>
        <translation>保存权重</translation>
    </message>
    <message>
        <source>Cannot save weights</source>
        <translation>无法保存权重</translation>
    </message>
    <message>
        <source>Saved weights to {0}</source>
        <translation>权重已保存到 {0}</translation>
    </message>
    <message>
        <source>Cannot load weights</source>
        <translation>无法载入权重</translation>
    </message>
    <message>
        <source>All runs start from {0}</source>
        <translation>所有运行从 {0} 开始</translation>
    </message>
    <message>
        <source>Cannot open test data</source>
        <translation>无法打开测试数据</translation>
    </message>
    <message>
        <source>Test data goes with training data from a CSV file: choose Data set → CSV file… first</source>
        <translation>测试数据需配合来自 CSV 文件的训练数据：请先选择 数据集 → CSV 文件…</translation>
    </message>
    <message>
        <source>Testing on {0}; every row of {1} trains</source>
        <translation>在 {0} 上测试；{1} 的每一行都参与训练</translation>
    </message>
    <message>
        <source>Open test data</source>
        <translation>打开测试数据</translation>
    </message>
    <message>
        <source>Load weights</source>
        <translation>载入权重</translation>
    </message>
    <message>
        <source>all runs</source>
        <translation>所有运行</translation>
    </message>
    <message>
        <source>Small multiples: every run&apos;s decision map side by side (on 1-D data, every run&apos;s fit in one plot)</source>
        <translation>小图并列：每个运行的决策图并排显示（一维数据时，所有运行的拟合画在同一图中）</translation>
    </message>
    <message>
        <source>decision boundary</source>
        <translation>决策边界</translation>
    </message>
    <message>
        <source>Inspect: click a training point to follow it through the network diagram</source>
        <translation>检查：单击训练点，在网络图中跟踪它</translation>
    </message>
    <message>
        <source>Edit data: click adds a point, shift-click one of the next class, right-click removes</source>
        <translation>编辑数据：单击添加点，Shift+单击添加下一类的点，右键删除</translation>
    </message>
    <message>
        <source>No training point there: click on (or next to) one to inspect it</source>
        <translation>那里没有训练点：单击训练点（或其附近）以检查它</translation>
    </message>
    <message>
        <source>Inspecting training point {0} at ({1:.3g}, {2:.3g}): its forward and backward pass is in the network diagram</source>
        <translation>正在检查训练点 {0}，位于 ({1:.3g}, {2:.3g})：其前向和反向传播见网络图</translation>
    </message>
    <message>
        <source>predicted class</source>
        <translation>预测类别</translation>
    </message>
    <message>
        <source>true class</source>
        <translation>真实类别</translation>
    </message>
    <message>
        <source>true value</source>
        <translation>真实值</translation>
    </message>
    <message>
        <source>predicted value</source>
        <translation>预测值</translation>
    </message>
    <message>
        <source>fit · all runs · step {0}</source>
        <translation>拟合 · 所有运行 · 第 {0} 步</translation>
    </message>
    <message>
        <source>train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source> (weights of step {0} restored)</source>
        <translation>（已恢复第 {0} 步的权重）</translation>
    </message>
    <message>
        <source>, test acc {0:.1f}%</source>
        <translation>，测试准确率 {0:.1f}%</translation>
    </message>
    <message>
        <source>loss · train ─── solid, test ‒ ‒ ‒ dashed</source>
        <translation>损失 · 训练 ─── 实线，测试 ‒ ‒ ‒ 虚线</translation>
    </message>
    <message>
        <source>accuracy · train ─── solid, test ‒ ‒ ‒ dashed</source>
        <translation>准确率 · 训练 ─── 实线，测试 ‒ ‒ ‒ 虚线</translation>
    </message>
    <message>
        <source>learning rate · one line per run</source>
        <translation>学习率 · 每个运行一条线</translation>
    </message>
    <message>
        <source>gradient norm per layer</source>
        <translation>每层梯度范数</translation>
    </message>
    <message>
        <source>out</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>loss over 2 weights{0} · &lt;span style=&apos;color:{1}&apos;&gt;{2}&lt;/span&gt; · step {3}</source>
        <translation>两个权重上的损失{0} · &lt;span style=&apos;color:{1}&apos;&gt;{2}&lt;/span&gt; · 第 {3} 步</translation>
    </message>
    <message>
        <source>decision map</source>
        <translation>决策图</translation>
    </message>
    <message>
        <source>click adds class</source>
        <translation>点击添加类别</translation>
    </message>
    <message>
        <source>Click on the map adds a training point of this class; shift-click one of the next class; right-click removes the nearest training point; Ctrl-click inspects one in the network diagram</source>
        <translation>在图上单击添加此类的训练点；Shift+单击添加下一类的点；右键删除最近的训练点；Ctrl+单击在网络图中检查训练点</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>Inspect</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>Inspect a point: a click on a training point shows its forward and backward pass in the network diagram (Ctrl-click does so at any time). Off: clicks edit the data</source>
        <translation>检查点：单击训练点，在网络图中显示其前向和反向传播（任何时候 Ctrl+单击均可）。关闭时：单击编辑数据</translation>
    </message>
    <message>
        <source>fit</source>
        <translation>拟合</translation>
    </message>
    <message>
        <source>confusion matrix (test)</source>
        <translation>混淆矩阵（测试）</translation>
    </message>
    <message>
        <source>predicted vs true</source>
        <translation>预测值与真实值</translation>
    </message>
    <message>
        <source>{0} · &lt;span style=&apos;color:{1}&apos;&gt;{2}&lt;/span&gt; · step {3}{4}</source>
        <translation>{0} · &lt;span style=&apos;color:{1}&apos;&gt;{2}&lt;/span&gt; · 第 {3} 步{4}</translation>
    </message>
    <message>
        <source>regression: no accuracy</source>
        <translation>回归：没有准确率</translation>
    </message>
    <message>
        <source>legend</source>
        <translation>图例</translation>
    </message>
    <message>
        <source>Show which colour is which run</source>
        <translation>显示每种颜色对应哪个运行</translation>
    </message>
    <message>
        <source>weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Weight on this axis (Wk[i,j] connects unit i of layer k−1 to unit j)</source>
        <translation>这条轴上的权重（Wk[i,j] 连接第 k−1 层的单元 i 与单元 j）</translation>
    </message>
    <message>
        <source>weight-space slice</source>
        <translation>权重空间切片</translation>
    </message>
    <message>
        <source>choose two different weights</source>
        <translation>请选择两个不同的权重</translation>
    </message>
    <message>
        <source>{0}
Allowed: {1}</source>
        <translation>{0}
允许：{1}</translation>
    </message>
    <message>
        <source> (log scale)</source>
        <translation>（对数刻度）</translation>
    </message>
    <message>
        <source>colour {0!r} is not a colour name or #rrggbb</source>
        <translation>颜色 {0!r} 不是颜色名称或 #rrggbb</translation>
    </message>
    <message>
        <source>unknown setting {0!r}; known: {1}</source>
        <translation>未知设置 {0!r}；已知：{1}</translation>
    </message>
    <message>
        <source>no run {0}; there are {1} runs</source>
        <translation>没有运行 {0}；共有 {1} 个运行</translation>
    </message>
    <message>
        <source>Finished at step {0}</source>
        <translation>在第 {0} 步结束</translation>
    </message>
    <message>
        <source>Export {0}</source>
        <translation>导出{0}</translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG image (*.svg)</source>
        <translation>PNG 图片 (*.png);;SVG 图片 (*.svg)</translation>
    </message>
    <message>
        <source>Cannot export image</source>
        <translation>无法导出图片</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>at the start point: press Step or Play</source>
        <translation>位于起点：按单步或播放</translation>
    </message>
    <message>
        <source>step {0} of {1}</source>
        <translation>第 {0} 步，共 {1} 步</translation>
    </message>
    <message>
        <source>{0} at step {1}</source>
        <translation>第 {1} 步时{0}</translation>
    </message>
    <message>
        <source>{0}
Allowed: {1}; empty: the experiment&apos;s value</source>
        <translation>{0}
允许：{1}；留空：使用实验的值</translation>
    </message>
    <message>
        <source>this run only; empty: {0}</source>
        <translation>仅此运行；留空：{0}</translation>
    </message>
    <message>
        <source>Run enabled</source>
        <translation>启用运行</translation>
    </message>
    <message>
        <source>Colour (click to change)</source>
        <translation>颜色（点击修改）</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>Steps the run took to converge (gradient norm below tol), from the engine</source>
        <translation>运行收敛所用的步数（梯度范数低于 tol），来自引擎</translation>
    </message>
    <message>
        <source>Learning rate and every hyperparameter not at its default, then the run&apos;s own noise σ or batch size where it overrides the experiment&apos;s</source>
        <translation>学习率和所有非默认的超参数，以及此运行覆盖实验设置的噪声 σ 或批量大小</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Add a run (Adam, default hyperparameters)</source>
        <translation>添加一个运行（Adam，默认超参数）</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Selected run</source>
        <translation>所选运行</translation>
    </message>
    <message>
        <source>LR schedule</source>
        <translation>学习率调度</translation>
    </message>
    <message>
        <source>Experiment settings</source>
        <translation>实验设置</translation>
    </message>
    <message>
        <source>{0} (click to change)</source>
        <translation>{0}（点击修改）</translation>
    </message>
    <message>
        <source>Enabled: untick to leave this run out</source>
        <translation>已启用：取消勾选即可排除此运行</translation>
    </message>
    <message>
        <source>Double-click to rename</source>
        <translation>双击重命名</translation>
    </message>
    <message>
        <source>Selected run: {0}</source>
        <translation>所选运行：{0}</translation>
    </message>
    <message>
        <source>experiment default (σ = {0})</source>
        <translation>实验默认值（σ = {0}）</translation>
    </message>
    <message>
        <source>full batch</source>
        <translation>全批量</translation>
    </message>
    <message>
        <source>batch {0}</source>
        <translation>批量 {0}</translation>
    </message>
    <message>
        <source>experiment default ({0})</source>
        <translation>实验默认值（{0}）</translation>
    </message>
    <message>
        <source>Step {0} / {1}{2}</source>
        <translation>第 {0} 步 / {1}{2}</translation>
    </message>
    <message>
        <source>Log height</source>
        <translation>对数高度</translation>
    </message>
    <message>
        <source>Compress heights logarithmically so low valleys stay visible</source>
        <translation>按对数压缩高度，让低谷保持可见</translation>
    </message>
    <message>
        <source>3-D view unavailable: no OpenGL context could be created on this display.</source>
        <translation>三维视图不可用：无法在此显示器上创建 OpenGL 上下文。</translation>
    </message>
    <message>
        <source>3-D view unavailable: {0}</source>
        <translation>三维视图不可用：{0}</translation>
    </message>
    <message>
        <source> (log height)</source>
        <translation>（对数高度）</translation>
    </message>
    <message>
        <source>start</source>
        <translation>起点</translation>
    </message>
    <message>
        <source>λmax of the Hessian along each path (solid); dashed: the largest stable curvature, 2/η for GD (2(1+μ)/η with momentum); adaptive rules precondition it</source>
        <translation>沿每条路径的 Hessian 最大特征值 λmax（实线）；虚线：最大稳定曲率，GD 为 2/η（带动量为 2(1+μ)/η）；自适应规则会对其预条件化</translation>
    </message>
    <message>
        <source>sharpness λmax and 2/η</source>
        <translation>尖锐度 λmax 与 2/η</translation>
    </message>
    <message>
        <source>{0}: playing fast — pause to see the numbers</source>
        <translation>{0}：正在快速播放——暂停后可查看数值</translation>
    </message>
    <message>
        <source>Momentum / first-moment arrows (direction of −m)</source>
        <translation>动量 / 一阶矩箭头（−m 的方向）</translation>
    </message>
    <message>
        <source>Adaptive step boxes (sides ∝ per-coordinate step size)</source>
        <translation>自适应步长方框（边长 ∝ 各坐标的步长）</translation>
    </message>
    <message>
        <source>{0} {1} step {2}</source>
        <translation>{0} {1} 第 {2} 步</translation>
    </message>
    <message>
        <source>stability map</source>
        <translation>稳定性图</translation>
    </message>
    <message>
        <source>lr from</source>
        <translation>lr 从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>到</translation>
    </message>
    <message>
        <source>cells</source>
        <translation>格数</translation>
    </message>
    <message>
        <source>steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>colour by</source>
        <translation>着色依据</translation>
    </message>
    <message>
        <source>Loss landscape</source>
        <translation>损失地形</translation>
    </message>
    <message>
        <source>Random directions (filter-normalized)</source>
        <translation>随机方向（按滤波器归一化）</translation>
    </message>
    <message>
        <source>Principal directions of the trajectory (PCA)</source>
        <translation>轨迹的主方向（PCA）</translation>
    </message>
    <message>
        <source>Half-width of the plane: in units of the directions (random) or of the trajectory&apos;s extent (PCA)</source>
        <translation>平面的半宽：以方向为单位（随机）或以轨迹的范围为单位（PCA）</translation>
    </message>
    <message>
        <source>Compute</source>
        <translation>计算</translation>
    </message>
    <message>
        <source>The plane goes through the selected run&apos;s weights at the shown step; press Compute.</source>
        <translation>平面经过所选运行在当前显示步的权重；请按“计算”。</translation>
    </message>
    <message>
        <source>span</source>
        <translation>范围</translation>
    </message>
    <message>
        <source>grid</source>
        <translation>网格</translation>
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
        <translation>等高线</translation>
    </message>
    <message>
        <source>3-D</source>
        <translation>三维</translation>
    </message>
    <message>
        <source>The landscape as a surface with every run&apos;s path on it (needs OpenGL)</source>
        <translation>以曲面显示地形，并在其上画出每次运行的路径（需要 OpenGL）</translation>
    </message>
    <message>
        <source>Computing around {0}…</source>
        <translation>正在围绕 {0} 计算…</translation>
    </message>
    <message>
        <source>random filter-normalized directions</source>
        <translation>按滤波器归一化的随机方向</translation>
    </message>
    <message>
        <source>PCA directions ({0:.0%} + {1:.0%} of the trajectory&apos;s variance)</source>
        <translation>PCA 方向（占轨迹方差的 {0:.0%} + {1:.0%}）</translation>
    </message>
    <message>
        <source>Training objective around {0} along {1}; colours: log(loss − min), min {2:.4g}.</source>
        <translation>围绕 {0} 沿{1}的训练目标；颜色：log(loss − min)，最小值 {2:.4g}。</translation>
    </message>
    <message>
        <source>No run to map: add one in the Runs panel.</source>
        <translation>没有可绘制的运行：请在运行面板中添加一个。</translation>
    </message>
    <message>
        <source>Run &lt;b&gt;{0}&lt;/b&gt; ({1}): lr × a second hyperparameter, from the run&apos;s start, full batch, no noise</source>
        <translation>运行 &lt;b&gt;{0}&lt;/b&gt;（{1}）：lr × 第二个超参数，从该运行的起点出发，全批量，无噪声</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:#c0392b&apos;&gt;{0}&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:#c0392b&apos;&gt;{0}&lt;/span&gt;</translation>
    </message>
    <message>
        <source>Computing {0} cells × {1} steps…</source>
        <translation>正在计算 {0} 格 × {1} 步…</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>{0} ran all steps, {1} converged, {2} diverged. Click a cell to apply its values.</source>
        <translation>{0} 个跑完所有步，{1} 个收敛，{2} 个发散。点击某一格即可应用其参数值。</translation>
    </message>
    <message>
        <source>The mapped run changed optimizer: compute the map again.</source>
        <translation>所绘制的运行更换了优化器：请重新计算。</translation>
    </message>
    <message>
        <source>Applied {0} to run {1}.</source>
        <translation>已将 {0} 应用到运行 {1}。</translation>
    </message>
    <message>
        <source>{0} from ({1:g}, {2:g})</source>
        <translation>{0} 从 ({1:g}, {2:g}) 出发</translation>
    </message>
    <message>
        <source>Sharpness</source>
        <translation>尖锐度</translation>
    </message>
    <message>
        <source>Effective step</source>
        <translation>有效步长</translation>
    </message>
    <message>
        <source>Race</source>
        <translation>竞赛</translation>
    </message>
    <message>
        <source>Explain step</source>
        <translation>解释这一步</translation>
    </message>
    <message>
        <source>Curvature axes (Hessian eigenvectors, arms ∝ |λ|)</source>
        <translation>曲率轴（Hessian 特征向量，臂长 ∝ |λ|）</translation>
    </message>
    <message>
        <source>Why: sharpness, effective step, race, explanation</source>
        <translation>原因：尖锐度、有效步长、竞赛、解释</translation>
    </message>
    <message>
        <source>Stability map (lr × a second hyperparameter)</source>
        <translation>稳定性图（lr × 第二个超参数）</translation>
    </message>
    <message>
        <source>one sample:</source>
        <translation>单个样本：</translation>
    </message>
    <message>
        <source>Show one training point&apos;s forward and backward pass. Ctrl-click a point on the decision map (or turn on Inspect there) to choose it</source>
        <translation>显示一个训练点的前向和反向传播。在决策图上 Ctrl+单击一个点（或打开那里的“检查”）来选择它</translation>
    </message>
    <message>
        <source>Index of the training point whose forward and backward pass the diagram shows</source>
        <translation>网络图显示其前向和反向传播的训练点的序号</translation>
    </message>
    <message>
        <source>click a link to edit its weight</source>
        <translation>点击连线以编辑其权重</translation>
    </message>
    <message>
        <source>weight:</source>
        <translation>权重：</translation>
    </message>
    <message>
        <source>Sample {0}: loss {1}. Nodes: z (pre-activation) → a; ∂L/∂z. Links: ∂L/∂W.</source>
        <translation>样本 {0}：损失 {1}。节点：z（激活前）→ a；∂L/∂z。连线：∂L/∂W。</translation>
    </message>
    <message>
        <source>{0} at step {1}: each node maps its value over the input plane; hover for numbers. Ctrl-click a training point on the decision map to follow it through the network.</source>
        <translation>{0}，第 {1} 步：每个节点显示其在输入平面上的取值；悬停查看数值。在决策图上 Ctrl+单击训练点可在网络中跟踪它。</translation>
    </message>
    <message>
        <source>∂L/∂W (last step, batch) = {0}</source>
        <translation>∂L/∂W（上一步，批量）= {0}</translation>
    </message>
    <message>
        <source>∂L/∂W (sample {0}) = {1}</source>
        <translation>∂L/∂W（样本 {0}）= {1}</translation>
    </message>
    <message>
        <source>layer {0}, node {1}</source>
        <translation>第 {0} 层，节点 {1}</translation>
    </message>
    <message>
        <source>input = {0}</source>
        <translation>输入 = {0}</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; is not a number</source>
        <translation>“{0}”不是数字</translation>
    </message>
    <message>
        <source>W{0}[{1},{2}] set to {3}: the run continues from there.</source>
        <translation>W{0}[{1},{2}] 已设为 {3}：运行从此继续。</translation>
    </message>
</context>
</TS>
