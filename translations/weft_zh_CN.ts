<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Attachment</name>
    <message>
        <source>%1 is not a file.</source>
        <translation>%1 不是文件。</translation>
    </message>
    <message>
        <source>%1 is too large (%2 MiB; the limit is %3 MiB).</source>
        <translation>%1 太大（%2 MiB；上限为 %3 MiB）。</translation>
    </message>
    <message>
        <source>%1 has too many pixels (%2 x %3).</source>
        <translation>%1 的像素过多（%2 × %3）。</translation>
    </message>
    <message>
        <source>%1 is not a readable image.</source>
        <translation>%1 不是可读取的图像。</translation>
    </message>
    <message>
        <source>%1 is not a readable sound file.</source>
        <translation>%1 不是可读取的音频文件。</translation>
    </message>
    <message>
        <source>%1 is too large (the limit for text is %2 KiB).</source>
        <translation>%1 太大（文本上限为 %2 KiB）。</translation>
    </message>
    <message>
        <source>%1 cannot be read.</source>
        <translation>无法读取 %1。</translation>
    </message>
    <message>
        <source>%1: unsupported file type. Weft accepts PNG, JPEG, WebP, BMP, WAV, FLAC, OGG and text files.</source>
        <translation>%1：不支持的文件类型。Weft 接受 PNG、JPEG、WebP、BMP、WAV、FLAC、OGG 和文本文件。</translation>
    </message>
    <message>
        <source>The clipboard holds no readable image.</source>
        <translation>剪贴板中没有可读取的图像。</translation>
    </message>
    <message>
        <source>The image has too many pixels (%1 x %2).</source>
        <translation>图像像素过多（%1 × %2）。</translation>
    </message>
    <message>
        <source>Images, sounds and text (*.png *.jpg *.jpeg *.webp *.bmp *.wav *.flac *.ogg *.txt *.md)</source>
        <translation>图像、声音和文本 (*.png *.jpg *.jpeg *.webp *.bmp *.wav *.flac *.ogg *.txt *.md)</translation>
    </message>
    <message>
        <source>%1 cannot be used as a sound: %2</source>
        <translation>%1 无法用作声音：%2</translation>
    </message>
</context>
<context>
    <name>LaunchFiles</name>
    <message>
        <source>The files could not be opened: no new conversation could be created.</source>
        <translation>无法打开这些文件：无法创建新对话。</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Multimodal chat and image editing</source>
        <translation>多模态聊天与图像编辑</translation>
    </message>
    <message>
        <source>Model folder to load.</source>
        <translation>要加载的模型文件夹。</translation>
    </message>
    <message>
        <source>Folder holding the conversations.</source>
        <translation>存放对话的文件夹。</translation>
    </message>
    <message>
        <source>Save the window as a PNG image and quit.</source>
        <translation>将窗口保存为 PNG 图像并退出。</translation>
    </message>
    <message>
        <source>With --screenshot: send this message first.</source>
        <translation>与 --screenshot 一起使用：先发送此消息。</translation>
    </message>
    <message>
        <source>With --prompt: attach this file.</source>
        <translation>与 --prompt 一起使用：附加此文件。</translation>
    </message>
    <message>
        <source>Measure GUI stalls while drawing images, then quit.</source>
        <translation>测量绘制图像时界面的卡顿，然后退出。</translation>
    </message>
    <message>
        <source>With --bench-stall: write the result as JSON.</source>
        <translation>与 --bench-stall 一起使用：将结果写为 JSON。</translation>
    </message>
    <message>
        <source>With --bench-stall: image requests.</source>
        <translation>与 --bench-stall 一起使用：图像请求的数量。</translation>
    </message>
    <message>
        <source>With --bench-stall: engine threads (0 = every core).</source>
        <translation>与 --bench-stall 一起使用：引擎线程数（0 = 所有核心）。</translation>
    </message>
    <message>
        <source>Pictures, sounds or text files to attach to a new conversation.</source>
        <translation>要附加到新对话的图片、声音或文本文件。</translation>
    </message>
</context>
<context>
    <name>weft::ui::AudioRecorder</name>
    <message>
        <source>the microphone could not be opened</source>
        <translation>无法打开麦克风</translation>
    </message>
    <message>
        <source>the microphone stopped delivering sound</source>
        <translation>麦克风不再传来声音</translation>
    </message>
    <message>
        <source>the audio system failed</source>
        <translation>音频系统出错</translation>
    </message>
    <message>
        <source>the microphone failed</source>
        <translation>麦克风出错</translation>
    </message>
    <message>
        <source>No microphone was found: recording needs an audio input device.</source>
        <translation>未找到麦克风：录音需要音频输入设备。</translation>
    </message>
    <message>
        <source>A recording is already running.</source>
        <translation>已经在录音。</translation>
    </message>
    <message>
        <source>Recording could not start: %1.</source>
        <translation>无法开始录音：%1。</translation>
    </message>
    <message>
        <source>Recording could not start: the sound format is not supported.</source>
        <translation>无法开始录音：不支持该音频格式。</translation>
    </message>
    <message>
        <source>Recording could not start: the sound source cannot be read.</source>
        <translation>无法开始录音：无法读取音源。</translation>
    </message>
    <message>
        <source>Nothing was recorded: the microphone delivered no sound.</source>
        <translation>未录到任何内容：麦克风没有传来声音。</translation>
    </message>
    <message>
        <source>Recording ended early: %1. The sound so far is kept.</source>
        <translation>录音提前结束：%1。已录制的声音会保留。</translation>
    </message>
    <message>
        <source>Recording failed: %1.</source>
        <translation>录音失败：%1。</translation>
    </message>
</context>
<context>
    <name>weft::ui::ChatController</name>
    <message>
        <source>Saving failed, the previous copy is kept: %1</source>
        <translation>保存失败，之前的副本保持不变：%1</translation>
    </message>
    <message>
        <source>The conversation could not be opened: %1</source>
        <translation>无法打开对话：%1</translation>
    </message>
    <message>
        <source>Recovered after an interrupted save: %1</source>
        <translation>已从中断的保存中恢复：%1</translation>
    </message>
    <message>
        <source>The last message has no answer yet (the app was closed while it was generating). Press Retry to answer it.</source>
        <translation>最后一条消息还没有回答（生成时应用被关闭）。按“重试”来回答。</translation>
    </message>
    <message>
        <source>A new conversation could not be created: %1</source>
        <translation>无法创建新对话：%1</translation>
    </message>
    <message>
        <source>Wait for the answer or press Stop first.</source>
        <translation>请等待回答，或先按“停止”。</translation>
    </message>
    <message>
        <source>Write a message or attach a file first.</source>
        <translation>请先输入消息或附加文件。</translation>
    </message>
    <message>
        <source>%1 could not be added: %2</source>
        <translation>无法添加 %1：%2</translation>
    </message>
    <message>
        <source>The text is too long (more than %1 KiB).</source>
        <translation>文本过长（超过 %1 KiB）。</translation>
    </message>
    <message>
        <source>The model is not loaded yet; the message is saved. Press Retry when it is ready.</source>
        <translation>模型尚未加载；消息已保存。模型就绪后请按“重试”。</translation>
    </message>
    <message>
        <source>There is no answer to regenerate.</source>
        <translation>没有可以重新生成的回答。</translation>
    </message>
    <message>
        <source>This message carries no seed and options to reproduce it from.</source>
        <translation>此消息没有可用于重现的种子和选项。</translation>
    </message>
    <message>
        <source>Stopped. Press Retry to answer again.</source>
        <translation>已停止。按“重试”重新回答。</translation>
    </message>
    <message>
        <source>The engine could not answer: %1</source>
        <translation>引擎无法回答：%1</translation>
    </message>
    <message numerus="yes">
        <source>the example pairs of %n earlier message(s) were left out (their questions were kept)</source>
        <translation>
            <numerusform>省略了之前 %n 条消息中的示例对（保留了其中的问题）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>the %n oldest message(s) were left out</source>
        <translation>
            <numerusform>省略了最早的 %n 条消息</numerusform>
        </translation>
    </message>
    <message>
        <source>The conversation is longer than the model&apos;s context of %1 tokens, so for this answer %2.</source>
        <translation>对话超出了模型 %1 个词元的上下文，因此本次回答%2。</translation>
    </message>
    <message>
        <source> and </source>
        <translation>，并且</translation>
    </message>
    <message>
        <source>The recording could not be saved: %1</source>
        <translation>无法保存录音：%1</translation>
    </message>
    <message>
        <source>it holds no sound</source>
        <translation>其中没有声音</translation>
    </message>
    <message>
        <source>no conversation could be created</source>
        <translation>无法创建对话</translation>
    </message>
    <message>
        <source>The answer could not be saved: %1</source>
        <translation>无法保存回答：%1</translation>
    </message>
    <message>
        <source>This answer was made by model %1 (%2); the loaded model %3 (%4) is a different one, so the reproduction will not be the same.</source>
        <translation>此回答由模型 %1（%2）生成；当前加载的模型 %3（%4）是另一个模型，因此复现结果不会相同。</translation>
    </message>
    <message>
        <source>This answer was made on %1 and is reproduced on %2; the output may differ.</source>
        <translation>此回答在 %1 上生成，现在在 %2 上复现；输出可能不同。</translation>
    </message>
    <message>
        <source>%1: cannot create folder</source>
        <translation>%1：无法创建文件夹</translation>
    </message>
    <message>
        <source>%1 could not be copied</source>
        <translation>无法复制 %1</translation>
    </message>
    <message>
        <source>the question it answers is not in the conversation</source>
        <translation>它所回答的问题不在对话中</translation>
    </message>
</context>
<context>
    <name>weft::ui::ChatView</name>
    <message>
        <source>No audio output device is available.</source>
        <translation>没有可用的音频输出设备。</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>Answer being written</source>
        <translation>正在生成的回答</translation>
    </message>
    <message>
        <source>Image being generated</source>
        <translation>正在生成的图像</translation>
    </message>
    <message>
        <source>Generation progress</source>
        <translation>生成进度</translation>
    </message>
    <message>
        <source>Weft</source>
        <translation>Weft</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Answer the last message again</source>
        <translation>重新回答最后一条消息</translation>
    </message>
    <message>
        <source>Play sound %1</source>
        <translation>播放声音 %1</translation>
    </message>
    <message>
        <source>Your message</source>
        <translation>你的消息</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>回答</translation>
    </message>
    <message>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <source>Previous version</source>
        <translation>上一个版本</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>Version %1 of %2</source>
        <translation>第 %1 个版本，共 %2 个</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>下一个版本</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Edit and resend</source>
        <translation>编辑并重新发送</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>Regenerate with a new seed</source>
        <translation>使用新种子重新生成</translation>
    </message>
    <message>
        <source>Reproduce</source>
        <translation>重现</translation>
    </message>
    <message>
        <source>Reproduce with the same seed and options</source>
        <translation>使用相同的种子和选项重现</translation>
    </message>
    <message>
        <source>Your text</source>
        <translation>你的文本</translation>
    </message>
    <message>
        <source>Answer text</source>
        <translation>回答文本</translation>
    </message>
    <message>
        <source>[image missing: %1]</source>
        <translation>[图像缺失：%1]</translation>
    </message>
    <message>
        <source>seed %1 · %2 · %3 s</source>
        <translation>种子 %1 · %2 · %3 秒</translation>
    </message>
    <message>
        <source>Provenance</source>
        <translation>来源信息</translation>
    </message>
    <message>
        <source>…</source>
        <translation>…</translation>
    </message>
    <message>
        <source>This sound cannot be played: %1</source>
        <translation>无法播放此声音：%1</translation>
    </message>
    <message>
        <source>▶ %1 · %2 s</source>
        <translation>▶ %1 · %2 秒</translation>
    </message>
    <message>
        <source>▶ %1 (unreadable)</source>
        <translation>▶ %1（无法读取）</translation>
    </message>
    <message>
        <source>Play sound %1, %2 seconds</source>
        <translation>播放声音 %1，%2 秒</translation>
    </message>
    <message>
        <source>Copy text</source>
        <translation>复制文本</translation>
    </message>
    <message>
        <source>Copy the answer&apos;s text</source>
        <translation>复制回答的文本</translation>
    </message>
    <message>
        <source>Your picture %1</source>
        <translation>你的图片 %1</translation>
    </message>
    <message>
        <source>Picture %1 of the answer</source>
        <translation>回答中的图片 %1</translation>
    </message>
    <message>
        <source>Example pair %1</source>
        <translation>示例对 %1</translation>
    </message>
    <message>
        <source>Before %1</source>
        <translation>之前 %1</translation>
    </message>
    <message>
        <source>becomes</source>
        <translation>变为</translation>
    </message>
    <message>
        <source>After %1</source>
        <translation>之后 %1</translation>
    </message>
    <message>
        <source>Query:</source>
        <translation>查询：</translation>
    </message>
    <message>
        <source>Query picture</source>
        <translation>查询图片</translation>
    </message>
    <message>
        <source>Edit pairs…</source>
        <translation>编辑图像对…</translation>
    </message>
    <message>
        <source>Edit the example pairs and send again</source>
        <translation>编辑示例对并重新发送</translation>
    </message>
    <message>
        <source>Your earlier picture</source>
        <translation>你之前发送的图片</translation>
    </message>
    <message>
        <source>An earlier picture</source>
        <translation>之前的图片</translation>
    </message>
    <message>
        <source>From another version of this chat</source>
        <translation>来自此对话的另一个版本</translation>
    </message>
    <message>
        <source>An earlier picture, shown again</source>
        <translation>之前的图片，再次显示</translation>
    </message>
    <message>
        <source>From your earlier message</source>
        <translation>来自你之前的消息</translation>
    </message>
    <message>
        <source>From an earlier answer</source>
        <translation>来自之前的回答</translation>
    </message>
    <message>
        <source>From your message of %1</source>
        <translation>来自你 %1 的消息</translation>
    </message>
    <message>
        <source>From the answer of %1</source>
        <translation>来自 %1 的回答</translation>
    </message>
    <message>
        <source>Picture shown again: %1</source>
        <translation>再次显示的图片：%1</translation>
    </message>
    <message>
        <source>Show that message</source>
        <translation>显示那条消息</translation>
    </message>
</context>
<context>
    <name>weft::ui::Composer</name>
    <message>
        <source>Write a message, or drop images, sounds and text here</source>
        <translation>输入消息，或将图像、声音和文本拖放到这里</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Enter sends, Shift+Enter starts a new line</source>
        <translation>Enter 发送，Shift+Enter 换行</translation>
    </message>
    <message>
        <source>Attachments</source>
        <translation>附件</translation>
    </message>
    <message>
        <source>Composer message</source>
        <translation>输入框提示</translation>
    </message>
    <message>
        <source>Attach…</source>
        <translation>附加…</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>附加文件</translation>
    </message>
    <message>
        <source>Example pairs…</source>
        <translation>示例对…</translation>
    </message>
    <message>
        <source>Build an example-pair request</source>
        <translation>创建示例对请求</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Send message</source>
        <translation>发送消息</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop generating</source>
        <translation>停止生成</translation>
    </message>
    <message>
        <source>Only local files can be attached: %1</source>
        <translation>只能附加本地文件：%1</translation>
    </message>
    <message>
        <source>Pasted image</source>
        <translation>粘贴的图像</translation>
    </message>
    <message>
        <source>This data cannot be attached (only files, images and text).</source>
        <translation>无法附加此数据（仅限文件、图像和文本）。</translation>
    </message>
    <message>
        <source>♪ sound</source>
        <translation>♪ 声音</translation>
    </message>
    <message>
        <source>¶ text</source>
        <translation>¶ 文本</translation>
    </message>
    <message>
        <source>Attachment %1</source>
        <translation>附件 %1</translation>
    </message>
    <message>
        <source>Remove %1</source>
        <translation>移除 %1</translation>
    </message>
    <message>
        <source>Remove attachment %1</source>
        <translation>移除附件 %1</translation>
    </message>
    <message>
        <source>● Record</source>
        <translation>● 录音</translation>
    </message>
    <message>
        <source>Record a sound</source>
        <translation>录制声音</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>录音中</translation>
    </message>
    <message>
        <source>Recording time</source>
        <translation>录音时长</translation>
    </message>
    <message>
        <source>Microphone level</source>
        <translation>麦克风电平</translation>
    </message>
    <message>
        <source>■ Stop</source>
        <translation>■ 停止</translation>
    </message>
    <message>
        <source>Stop recording and attach the sound</source>
        <translation>停止录音并附加声音</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Discard the recording</source>
        <translation>丢弃录音</translation>
    </message>
    <message>
        <source>Save recording</source>
        <translation>保存录音</translation>
    </message>
    <message>
        <source>Try to save the recording again</source>
        <translation>再次尝试保存录音</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>丢弃</translation>
    </message>
    <message>
        <source>Discard the recording that could not be saved</source>
        <translation>丢弃未能保存的录音</translation>
    </message>
    <message>
        <source>Save or discard the last recording first.</source>
        <translation>请先保存或丢弃上一段录音。</translation>
    </message>
    <message>
        <source>Record up to %1 s from the microphone</source>
        <translation>从麦克风录制最长 %1 秒</translation>
    </message>
    <message>
        <source>● %1 / %2 s</source>
        <translation>● %1 / %2 秒</translation>
    </message>
    <message>
        <source>Recordings cannot be saved here.</source>
        <translation>此处无法保存录音。</translation>
    </message>
    <message>
        <source>%1
The recording is kept: press Save recording to try again, or Discard.</source>
        <translation>%1
录音已保留：按“保存录音”重试，或按“丢弃”。</translation>
    </message>
    <message>
        <source>♪ %1 s</source>
        <translation>♪ %1 秒</translation>
    </message>
</context>
<context>
    <name>weft::ui::ConversationListModel</name>
    <message>
        <source>New conversation</source>
        <translation>新对话</translation>
    </message>
    <message>
        <source>%1 (answering…)</source>
        <translation>%1（正在回答…）</translation>
    </message>
</context>
<context>
    <name>weft::ui::ConversationSidebar</name>
    <message>
        <source>Search conversations</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>New conversation</source>
        <translation>新对话</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <source>Rename conversation</source>
        <translation>重命名对话</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Delete conversation</source>
        <translation>删除对话</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
</context>
<context>
    <name>weft::ui::EngineWorker</name>
    <message>
        <source>No model folder is set and no embedded model was found.</source>
        <translation>未设置模型文件夹，也未找到内置模型。</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
    <message>
        <source>The model is not loaded.</source>
        <translation>模型未加载。</translation>
    </message>
    <message>
        <source>Picture drawn by %1, without a description</source>
        <translation>由 %1 绘制的图片，无描述</translation>
    </message>
</context>
<context>
    <name>weft::ui::ExamplePairDialog</name>
    <message>
        <source>Example pairs</source>
        <translation>示例对</translation>
    </message>
    <message>
        <source>Show the change with one or more before → after pairs, then give the image to change the same way.</source>
        <translation>用一个或多个“之前 → 之后”的图像对展示变化，然后给出要以同样方式修改的图像。</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>之前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>之后</translation>
    </message>
    <message>
        <source>Query image</source>
        <translation>查询图像</translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation>指令</translation>
    </message>
    <message>
        <source>Builder message</source>
        <translation>构建器提示</translation>
    </message>
    <message>
        <source>Add pair</source>
        <translation>添加图像对</translation>
    </message>
    <message>
        <source>Add an example pair</source>
        <translation>添加一个示例对</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Before %1</source>
        <translation>之前 %1</translation>
    </message>
    <message>
        <source>After %1</source>
        <translation>之后 %1</translation>
    </message>
    <message>
        <source>Pair %1 needs both a before and an after image.</source>
        <translation>图像对 %1 需要同时有“之前”和“之后”的图像。</translation>
    </message>
    <message>
        <source>Add at least one complete before → after pair.</source>
        <translation>请至少添加一个完整的“之前 → 之后”图像对。</translation>
    </message>
    <message>
        <source>Add the query image.</source>
        <translation>请添加查询图像。</translation>
    </message>
</context>
<context>
    <name>weft::ui::ImageSlot</name>
    <message>
        <source>%1
(drop or click)</source>
        <translation>%1
（拖放或点击）</translation>
    </message>
    <message>
        <source>%1 is not an image.</source>
        <translation>%1 不是图像。</translation>
    </message>
    <message>
        <source>Drop an image file here.</source>
        <translation>请将图像文件拖放到这里。</translation>
    </message>
    <message>
        <source>Clear %1</source>
        <translation>清除 %1</translation>
    </message>
</context>
<context>
    <name>weft::ui::ImageTile</name>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Edit this image</source>
        <translation>编辑此图像</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>主体</translation>
    </message>
    <message>
        <source>Use as subject</source>
        <translation>用作主体</translation>
    </message>
    <message>
        <source>Example</source>
        <translation>示例</translation>
    </message>
    <message>
        <source>Use as example</source>
        <translation>用作示例</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <source>Save image as…</source>
        <translation>将图像另存为…</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy image</source>
        <translation>复制图像</translation>
    </message>
    <message>
        <source>Press Enter to open the viewer</source>
        <translation>按 Enter 键打开查看器</translation>
    </message>
</context>
<context>
    <name>weft::ui::ImageViewer</name>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Image viewer</source>
        <translation>图像查看器</translation>
    </message>
    <message>
        <source>Image view</source>
        <translation>图像视图</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>缩放</translation>
    </message>
    <message>
        <source>Compare with the original</source>
        <translation>与原图比较</translation>
    </message>
    <message>
        <source>Compare split position</source>
        <translation>比较分割线位置</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>Zoom:</source>
        <translation>缩放：</translation>
    </message>
</context>
<context>
    <name>weft::ui::MainWindow</name>
    <message>
        <source>Weft</source>
        <translation>Weft</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Undo delete</source>
        <translation>撤销删除</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>无模型</translation>
    </message>
    <message>
        <source>Model status</source>
        <translation>模型状态</translation>
    </message>
    <message>
        <source>Model loading progress</source>
        <translation>模型加载进度</translation>
    </message>
    <message>
        <source>Model %1 on %2</source>
        <translation>模型 %1，运行于 %2</translation>
    </message>
    <message>
        <source>Model not loaded: %1</source>
        <translation>模型未加载：%1</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;New conversation</source>
        <translation>新对话(&amp;N)</translation>
    </message>
    <message>
        <source>Export as &amp;folder…</source>
        <translation>导出为文件夹(&amp;F)…</translation>
    </message>
    <message>
        <source>Export as &amp;HTML page…</source>
        <translation>导出为 HTML 页面(&amp;H)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>聊天(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Send</source>
        <translation>发送(&amp;S)</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>停止(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Regenerate</source>
        <translation>重新生成(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Example pairs…</source>
        <translation>示例对(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Paste into message</source>
        <translation>粘贴到消息(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Model card…</source>
        <translation>模型卡(&amp;M)…</translation>
    </message>
    <message>
        <source>Loading model %1…</source>
        <translation>正在加载模型 %1…</translation>
    </message>
    <message>
        <source>Conversation deleted.</source>
        <translation>对话已删除。</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Save image</source>
        <translation>保存图像</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>The image could not be saved to %1.</source>
        <translation>无法将图像保存到 %1。</translation>
    </message>
    <message>
        <source>Image copied.</source>
        <translation>图像已复制。</translation>
    </message>
    <message>
        <source>Edit and resend</source>
        <translation>编辑并重新发送</translation>
    </message>
    <message>
        <source>Message:</source>
        <translation>消息：</translation>
    </message>
    <message>
        <source>The language changes at the next start.</source>
        <translation>语言将在下次启动时更改。</translation>
    </message>
    <message>
        <source>Export to folder</source>
        <translation>导出到文件夹</translation>
    </message>
    <message>
        <source>Exported to %1.</source>
        <translation>已导出到 %1。</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message>
        <source>Export as HTML page</source>
        <translation>导出为 HTML 页面</translation>
    </message>
    <message>
        <source>HTML page (*.html)</source>
        <translation>HTML 页面 (*.html)</translation>
    </message>
    <message>
        <source>Model %1 on %2 (the new model could not be loaded)</source>
        <translation>模型 %1，运行于 %2（无法加载新模型）</translation>
    </message>
    <message>
        <source>The model could not be loaded: %1. Still using %2.</source>
        <translation>无法加载模型：%1。仍在使用 %2。</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <source>● Not saved, next try in %1 s</source>
        <translation>● 未保存，%1 秒后重试</translation>
    </message>
    <message>
        <source>● Not saved</source>
        <translation>● 未保存</translation>
    </message>
    <message numerus="yes">
        <source>%n conversation(s) could not be saved: %1
If you quit now, the last changes are lost.</source>
        <translation>
            <numerusform>%n 个对话无法保存：%1
如果现在退出，最后的更改将会丢失。</numerusform>
        </translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Save a copy elsewhere…</source>
        <translation>在其他位置保存副本…</translation>
    </message>
    <message>
        <source>Quit anyway</source>
        <translation>仍然退出</translation>
    </message>
    <message>
        <source>Save a copy of the unsaved conversations</source>
        <translation>保存未保存对话的副本</translation>
    </message>
    <message>
        <source>A copy was saved in %1.</source>
        <translation>副本已保存到 %1。</translation>
    </message>
    <message>
        <source>The copy could not be saved: %1</source>
        <translation>无法保存副本：%1</translation>
    </message>
    <message>
        <source>An answer is being written: Send is available again when it is done. Your pairs stay here.</source>
        <translation>正在生成回答：完成后即可再次发送。你的图像对会保留在这里。</translation>
    </message>
</context>
<context>
    <name>weft::ui::ModelCardDialog</name>
    <message>
        <source>Model card</source>
        <translation>模型卡</translation>
    </message>
    <message>
        <source>**Loaded:** %1 · %2 parameters · %3 · sha256 `%4`</source>
        <translation>**已加载：** %1 · %2 个参数 · %3 · sha256 `%4`</translation>
    </message>
    <message>
        <source>No MODEL_CARD.md in %1.</source>
        <translation>%1 中没有 MODEL_CARD.md。</translation>
    </message>
</context>
<context>
    <name>weft::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Embedded model</source>
        <translation>内置模型</translation>
    </message>
    <message>
        <source>Model folder</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Choose the model folder</source>
        <translation>选择模型文件夹</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA (GPU)</source>
        <translation>CUDA（GPU）</translation>
    </message>
    <message>
        <source>All cores</source>
        <translation>全部核心</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>线程数</translation>
    </message>
    <message>
        <source>Seed policy</source>
        <translation>种子策略</translation>
    </message>
    <message>
        <source>New random seed for every answer</source>
        <translation>每次回答使用新的随机种子</translation>
    </message>
    <message>
        <source>Fixed seed</source>
        <translation>固定种子</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Guidance scale</source>
        <translation>引导强度</translation>
    </message>
    <message>
        <source>Maximum text tokens</source>
        <translation>最大文本词元数</translation>
    </message>
    <message>
        <source>Compress in-context examples</source>
        <translation>压缩上下文示例</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <source>Model folder:</source>
        <translation>模型文件夹：</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <source>Threads:</source>
        <translation>线程数：</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>种子：</translation>
    </message>
    <message>
        <source>Fixed seed:</source>
        <translation>固定种子：</translation>
    </message>
    <message>
        <source>Temperature:</source>
        <translation>温度：</translation>
    </message>
    <message>
        <source>Top-k:</source>
        <translation>Top-k：</translation>
    </message>
    <message>
        <source>Guidance scale:</source>
        <translation>引导强度：</translation>
    </message>
    <message>
        <source>Maximum text tokens:</source>
        <translation>最大文本词元数：</translation>
    </message>
    <message>
        <source>Language (after restart):</source>
        <translation>语言（重启后生效）：</translation>
    </message>
</context>
<context>
    <name>weft::ui::StarterPanel</name>
    <message>
        <source>Draw: a small yellow star and a large red circle on blue stripes</source>
        <translation>绘制：蓝色条纹上的一颗黄色小星星和一个红色大圆</translation>
    </message>
    <message>
        <source>Edit a picture: make the red circle green</source>
        <translation>编辑图片：把红色圆形变成绿色</translation>
    </message>
    <message>
        <source>Learn from an example pair, then apply it to a new picture</source>
        <translation>从一对示例中学习，然后应用到新图片上</translation>
    </message>
    <message>
        <source>Picture + sound: make it sound like rain</source>
        <translation>图片 + 声音：让它听起来像下雨</translation>
    </message>
    <message>
        <source>Ways to start</source>
        <translation>开始的方式</translation>
    </message>
    <message>
        <source>Try one of these, or drop pictures and sounds here.</source>
        <translation>试试其中一个，或将图片和声音拖放到这里。</translation>
    </message>
    <message>
        <source>weft-tiny knows only its world of shapes, colours and patterns: other pictures come back as shapes.</source>
        <translation>weft-tiny 只认识由形状、颜色和图案组成的世界：其他图片会以形状的形式返回。</translation>
    </message>
    <message>
        <source>What the model knows</source>
        <translation>模型知道什么</translation>
    </message>
    <message>
        <source>Could not prepare the example files: %1</source>
        <translation>无法准备示例文件：%1</translation>
    </message>
    <message>
        <source>Could not prepare the example file %1.</source>
        <translation>无法准备示例文件 %1。</translation>
    </message>
</context>
</TS>
