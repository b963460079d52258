<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja">
<context>
    <name>Attachment</name>
    <message>
        <source>%1 is not a file.</source>
        <translation>%1 はファイルではありません。</translation>
    </message>
    <message>
        <source>%1 is too large (%2 MiB; the limit is %3 MiB).</source>
        <translation>%1 は大きすぎます（%2 MiB、上限は %3 MiB）。</translation>
    </message>
    <message>
        <source>%1 has too many pixels (%2 x %3).</source>
        <translation>%1 のピクセル数が多すぎます（%2 × %3）。</translation>
    </message>
    <message>
        <source>%1 is not a readable image.</source>
        <translation>%1 は読み込める画像ではありません。</translation>
    </message>
    <message>
        <source>%1 is not a readable sound file.</source>
        <translation>%1 は読み込める音声ファイルではありません。</translation>
    </message>
    <message>
        <source>%1 is too large (the limit for text is %2 KiB).</source>
        <translation>%1 は大きすぎます（テキストの上限は %2 KiB）。</translation>
    </message>
    <message>
        <source>%1 cannot be read.</source>
        <translation>%1 を読み込めません。</translation>
    </message>
    <message>
        <source>%1: unsupported file type. Weft accepts PNG, JPEG, WebP, BMP, WAV, FLAC, OGG and text files.</source>
        <translation>%1: 対応していないファイル形式です。Weft が受け付けるのは PNG、JPEG、WebP、BMP、WAV、FLAC、OGG とテキストファイルです。</translation>
    </message>
    <message>
        <source>The clipboard holds no readable image.</source>
        <translation>クリップボードに読み込める画像がありません。</translation>
    </message>
    <message>
        <source>The image has too many pixels (%1 x %2).</source>
        <translation>画像のピクセル数が多すぎます（%1 × %2）。</translation>
    </message>
    <message>
        <source>Images, sounds and text (*.png *.jpg *.jpeg *.webp *.bmp *.wav *.flac *.ogg *.txt *.md)</source>
        <translation>画像・音声・テキスト (*.png *.jpg *.jpeg *.webp *.bmp *.wav *.flac *.ogg *.txt *.md)</translation>
    </message>
    <message>
        <source>%1 cannot be used as a sound: %2</source>
        <translation>%1 は音声として使えません: %2</translation>
    </message>
</context>
<context>
    <name>LaunchFiles</name>
    <message>
        <source>The files could not be opened: no new conversation could be created.</source>
        <translation>ファイルを開けませんでした: 新しい会話を作成できませんでした。</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Multimodal chat and image editing</source>
        <translation>マルチモーダルなチャットと画像編集</translation>
    </message>
    <message>
        <source>Model folder to load.</source>
        <translation>読み込むモデルフォルダー。</translation>
    </message>
    <message>
        <source>Folder holding the conversations.</source>
        <translation>会話を保存するフォルダー。</translation>
    </message>
    <message>
        <source>Save the window as a PNG image and quit.</source>
        <translation>ウィンドウを PNG 画像として保存して終了します。</translation>
    </message>
    <message>
        <source>With --screenshot: send this message first.</source>
        <translation>--screenshot と併用: 先にこのメッセージを送信します。</translation>
    </message>
    <message>
        <source>With --prompt: attach this file.</source>
        <translation>--prompt と併用: このファイルを添付します。</translation>
    </message>
    <message>
        <source>Measure GUI stalls while drawing images, then quit.</source>
        <translation>画像の描画中に GUI の停止時間を計測して終了します。</translation>
    </message>
    <message>
        <source>With --bench-stall: write the result as JSON.</source>
        <translation>--bench-stall と併用: 結果を JSON で書き出します。</translation>
    </message>
    <message>
        <source>With --bench-stall: image requests.</source>
        <translation>--bench-stall と併用: 画像リクエストの数。</translation>
    </message>
    <message>
        <source>With --bench-stall: engine threads (0 = every core).</source>
        <translation>--bench-stall と併用: エンジンのスレッド数 (0 = すべてのコア)。</translation>
    </message>
    <message>
        <source>Pictures, sounds or text files to attach to a new conversation.</source>
        <translation>新しい会話に添付する画像、音声、テキストファイル。</translation>
    </message>
</context>
<context>
    <name>weft::ui::AudioRecorder</name>
    <message>
        <source>the microphone could not be opened</source>
        <translation>マイクを開けませんでした</translation>
    </message>
    <message>
        <source>the microphone stopped delivering sound</source>
        <translation>マイクからの音声が途切れました</translation>
    </message>
    <message>
        <source>the audio system failed</source>
        <translation>オーディオシステムでエラーが発生しました</translation>
    </message>
    <message>
        <source>the microphone failed</source>
        <translation>マイクでエラーが発生しました</translation>
    </message>
    <message>
        <source>No microphone was found: recording needs an audio input device.</source>
        <translation>マイクが見つかりません。録音には音声入力デバイスが必要です。</translation>
    </message>
    <message>
        <source>A recording is already running.</source>
        <translation>すでに録音中です。</translation>
    </message>
    <message>
        <source>Recording could not start: %1.</source>
        <translation>録音を開始できませんでした: %1。</translation>
    </message>
    <message>
        <source>Recording could not start: the sound format is not supported.</source>
        <translation>録音を開始できませんでした: この音声形式には対応していません。</translation>
    </message>
    <message>
        <source>Recording could not start: the sound source cannot be read.</source>
        <translation>録音を開始できませんでした: 音源を読み取れません。</translation>
    </message>
    <message>
        <source>Nothing was recorded: the microphone delivered no sound.</source>
        <translation>何も録音されませんでした。マイクから音声が届いていません。</translation>
    </message>
    <message>
        <source>Recording ended early: %1. The sound so far is kept.</source>
        <translation>録音が途中で終了しました: %1。それまでの音声は保持されています。</translation>
    </message>
    <message>
        <source>Recording failed: %1.</source>
        <translation>録音に失敗しました: %1。</translation>
    </message>
</context>
<context>
    <name>weft::ui::ChatController</name>
    <message>
        <source>Saving failed, the previous copy is kept: %1</source>
        <translation>保存に失敗しました。以前のコピーはそのまま残っています: %1</translation>
    </message>
    <message>
        <source>The conversation could not be opened: %1</source>
        <translation>会話を開けませんでした: %1</translation>
    </message>
    <message>
        <source>Recovered after an interrupted save: %1</source>
        <translation>中断された保存から復旧しました: %1</translation>
    </message>
    <message>
        <source>The last message has no answer yet (the app was closed while it was generating). Press Retry to answer it.</source>
        <translation>最後のメッセージにはまだ返答がありません（生成中にアプリが終了しました）。「再試行」を押すと返答します。</translation>
    </message>
    <message>
        <source>A new conversation could not be created: %1</source>
        <translation>新しい会話を作成できませんでした: %1</translation>
    </message>
    <message>
        <source>Wait for the answer or press Stop first.</source>
        <translation>返答を待つか、先に「停止」を押してください。</translation>
    </message>
    <message>
        <source>Write a message or attach a file first.</source>
        <translation>先にメッセージを書くか、ファイルを添付してください。</translation>
    </message>
    <message>
        <source>%1 could not be added: %2</source>
        <translation>%1 を追加できませんでした: %2</translation>
    </message>
    <message>
        <source>The text is too long (more than %1 KiB).</source>
        <translation>テキストが長すぎます（%1 KiB を超えています）。</translation>
    </message>
    <message>
        <source>The model is not loaded yet; the message is saved. Press Retry when it is ready.</source>
        <translation>モデルはまだ読み込まれていません。メッセージは保存しました。準備ができたら「再試行」を押してください。</translation>
    </message>
    <message>
        <source>There is no answer to regenerate.</source>
        <translation>再生成できる返答がありません。</translation>
    </message>
    <message>
        <source>This message carries no seed and options to reproduce it from.</source>
        <translation>このメッセージには再現に使うシードとオプションがありません。</translation>
    </message>
    <message>
        <source>Stopped. Press Retry to answer again.</source>
        <translation>停止しました。「再試行」を押すともう一度返答します。</translation>
    </message>
    <message>
        <source>The engine could not answer: %1</source>
        <translation>エンジンが返答できませんでした: %1</translation>
    </message>
    <message numerus="yes">
        <source>the example pairs of %n earlier message(s) were left out (their questions were kept)</source>
        <translation>
            <numerusform>以前の %n 件のメッセージの例のペアを省略しました（質問は残しています）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>the %n oldest message(s) were left out</source>
        <translation>
            <numerusform>最も古い %n 件のメッセージを省略しました</numerusform>
        </translation>
    </message>
    <message>
        <source>The conversation is longer than the model&apos;s context of %1 tokens, so for this answer %2.</source>
        <translation>会話がモデルのコンテキスト（%1 トークン）より長いため、この回答では%2。</translation>
    </message>
    <message>
        <source> and </source>
        <translation>、また</translation>
    </message>
    <message>
        <source>The recording could not be saved: %1</source>
        <translation>録音を保存できませんでした: %1</translation>
    </message>
    <message>
        <source>it holds no sound</source>
        <translation>音声が含まれていません</translation>
    </message>
    <message>
        <source>no conversation could be created</source>
        <translation>会話を作成できませんでした</translation>
    </message>
    <message>
        <source>The answer could not be saved: %1</source>
        <translation>回答を保存できませんでした: %1</translation>
    </message>
    <message>
        <source>This answer was made by model %1 (%2); the loaded model %3 (%4) is a different one, so the reproduction will not be the same.</source>
        <translation>この回答はモデル %1（%2）で作成されました。読み込まれているモデル %3（%4）は別のモデルなので、再現結果は同じになりません。</translation>
    </message>
    <message>
        <source>This answer was made on %1 and is reproduced on %2; the output may differ.</source>
        <translation>この回答は %1 で作成され、%2 で再現されます。出力が異なる場合があります。</translation>
    </message>
    <message>
        <source>%1: cannot create folder</source>
        <translation>%1: フォルダーを作成できません</translation>
    </message>
    <message>
        <source>%1 could not be copied</source>
        <translation>%1 をコピーできませんでした</translation>
    </message>
    <message>
        <source>the question it answers is not in the conversation</source>
        <translation>回答対象の質問が会話にありません</translation>
    </message>
</context>
<context>
    <name>weft::ui::ChatView</name>
    <message>
        <source>No audio output device is available.</source>
        <translation>使用できるオーディオ出力デバイスがありません。</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>チャット</translation>
    </message>
    <message>
        <source>Answer being written</source>
        <translation>作成中の返答</translation>
    </message>
    <message>
        <source>Image being generated</source>
        <translation>生成中の画像</translation>
    </message>
    <message>
        <source>Generation progress</source>
        <translation>生成の進行状況</translation>
    </message>
    <message>
        <source>Weft</source>
        <translation>Weft</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>お知らせ</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>再試行</translation>
    </message>
    <message>
        <source>Answer the last message again</source>
        <translation>最後のメッセージにもう一度返答する</translation>
    </message>
    <message>
        <source>Play sound %1</source>
        <translation>音声 %1 を再生</translation>
    </message>
    <message>
        <source>Your message</source>
        <translation>あなたのメッセージ</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>返答</translation>
    </message>
    <message>
        <source>You</source>
        <translation>あなた</translation>
    </message>
    <message>
        <source>Previous version</source>
        <translation>前のバージョン</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>Version %1 of %2</source>
        <translation>バージョン %1 / %2</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>次のバージョン</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>編集</translation>
    </message>
    <message>
        <source>Edit and resend</source>
        <translation>編集して再送信</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>再生成</translation>
    </message>
    <message>
        <source>Regenerate with a new seed</source>
        <translation>新しいシードで再生成</translation>
    </message>
    <message>
        <source>Reproduce</source>
        <translation>再現</translation>
    </message>
    <message>
        <source>Reproduce with the same seed and options</source>
        <translation>同じシードとオプションで再現</translation>
    </message>
    <message>
        <source>Your text</source>
        <translation>あなたのテキスト</translation>
    </message>
    <message>
        <source>Answer text</source>
        <translation>返答のテキスト</translation>
    </message>
    <message>
        <source>[image missing: %1]</source>
        <translation>[画像がありません: %1]</translation>
    </message>
    <message>
        <source>seed %1 · %2 · %3 s</source>
        <translation>シード %1 · %2 · %3 秒</translation>
    </message>
    <message>
        <source>Provenance</source>
        <translation>生成情報</translation>
    </message>
    <message>
        <source>…</source>
        <translation>…</translation>
    </message>
    <message>
        <source>This sound cannot be played: %1</source>
        <translation>この音声は再生できません: %1</translation>
    </message>
    <message>
        <source>▶ %1 · %2 s</source>
        <translation>▶ %1 · %2 秒</translation>
    </message>
    <message>
        <source>▶ %1 (unreadable)</source>
        <translation>▶ %1（読み取れません）</translation>
    </message>
    <message>
        <source>Play sound %1, %2 seconds</source>
        <translation>音声 %1 を再生（%2 秒）</translation>
    </message>
    <message>
        <source>Copy text</source>
        <translation>テキストをコピー</translation>
    </message>
    <message>
        <source>Copy the answer&apos;s text</source>
        <translation>回答のテキストをコピー</translation>
    </message>
    <message>
        <source>Your picture %1</source>
        <translation>あなたの画像 %1</translation>
    </message>
    <message>
        <source>Picture %1 of the answer</source>
        <translation>回答の画像 %1</translation>
    </message>
    <message>
        <source>Example pair %1</source>
        <translation>例のペア %1</translation>
    </message>
    <message>
        <source>Before %1</source>
        <translation>前 %1</translation>
    </message>
    <message>
        <source>becomes</source>
        <translation>が次のようになる</translation>
    </message>
    <message>
        <source>After %1</source>
        <translation>後 %1</translation>
    </message>
    <message>
        <source>Query:</source>
        <translation>クエリ:</translation>
    </message>
    <message>
        <source>Query picture</source>
        <translation>クエリ画像</translation>
    </message>
    <message>
        <source>Edit pairs…</source>
        <translation>ペアを編集…</translation>
    </message>
    <message>
        <source>Edit the example pairs and send again</source>
        <translation>例のペアを編集して再送信</translation>
    </message>
    <message>
        <source>Your earlier picture</source>
        <translation>あなたが以前に送った画像</translation>
    </message>
    <message>
        <source>An earlier picture</source>
        <translation>以前の画像</translation>
    </message>
    <message>
        <source>From another version of this chat</source>
        <translation>このチャットの別のバージョンから</translation>
    </message>
    <message>
        <source>An earlier picture, shown again</source>
        <translation>以前の画像（再表示）</translation>
    </message>
    <message>
        <source>From your earlier message</source>
        <translation>あなたの以前のメッセージから</translation>
    </message>
    <message>
        <source>From an earlier answer</source>
        <translation>以前の回答から</translation>
    </message>
    <message>
        <source>From your message of %1</source>
        <translation>%1 のあなたのメッセージから</translation>
    </message>
    <message>
        <source>From the answer of %1</source>
        <translation>%1 の回答から</translation>
    </message>
    <message>
        <source>Picture shown again: %1</source>
        <translation>再表示された画像: %1</translation>
    </message>
    <message>
        <source>Show that message</source>
        <translation>そのメッセージを表示</translation>
    </message>
</context>
<context>
    <name>weft::ui::Composer</name>
    <message>
        <source>Write a message, or drop images, sounds and text here</source>
        <translation>メッセージを書くか、画像・音声・テキストをここにドロップしてください</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>メッセージ</translation>
    </message>
    <message>
        <source>Enter sends, Shift+Enter starts a new line</source>
        <translation>Enter で送信、Shift+Enter で改行</translation>
    </message>
    <message>
        <source>Attachments</source>
        <translation>添付ファイル</translation>
    </message>
    <message>
        <source>Composer message</source>
        <translation>入力欄のお知らせ</translation>
    </message>
    <message>
        <source>Attach…</source>
        <translation>添付…</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>ファイルを添付</translation>
    </message>
    <message>
        <source>Example pairs…</source>
        <translation>例のペア…</translation>
    </message>
    <message>
        <source>Build an example-pair request</source>
        <translation>例のペアを使った依頼を作成</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>送信</translation>
    </message>
    <message>
        <source>Send message</source>
        <translation>メッセージを送信</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop generating</source>
        <translation>生成を停止</translation>
    </message>
    <message>
        <source>Only local files can be attached: %1</source>
        <translation>添付できるのはローカルファイルだけです: %1</translation>
    </message>
    <message>
        <source>Pasted image</source>
        <translation>貼り付けた画像</translation>
    </message>
    <message>
        <source>This data cannot be attached (only files, images and text).</source>
        <translation>このデータは添付できません（ファイル、画像、テキストのみ）。</translation>
    </message>
    <message>
        <source>♪ sound</source>
        <translation>♪ 音声</translation>
    </message>
    <message>
        <source>¶ text</source>
        <translation>¶ テキスト</translation>
    </message>
    <message>
        <source>Attachment %1</source>
        <translation>添付ファイル %1</translation>
    </message>
    <message>
        <source>Remove %1</source>
        <translation>%1 を削除</translation>
    </message>
    <message>
        <source>Remove attachment %1</source>
        <translation>添付ファイル %1 を削除</translation>
    </message>
    <message>
        <source>● Record</source>
        <translation>● 録音</translation>
    </message>
    <message>
        <source>Record a sound</source>
        <translation>音声を録音</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>録音中</translation>
    </message>
    <message>
        <source>Recording time</source>
        <translation>録音時間</translation>
    </message>
    <message>
        <source>Microphone level</source>
        <translation>マイクの音量</translation>
    </message>
    <message>
        <source>■ Stop</source>
        <translation>■ 停止</translation>
    </message>
    <message>
        <source>Stop recording and attach the sound</source>
        <translation>録音を止めて音声を添付</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Discard the recording</source>
        <translation>録音を破棄</translation>
    </message>
    <message>
        <source>Save recording</source>
        <translation>録音を保存</translation>
    </message>
    <message>
        <source>Try to save the recording again</source>
        <translation>録音の保存を再試行</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>破棄</translation>
    </message>
    <message>
        <source>Discard the recording that could not be saved</source>
        <translation>保存できなかった録音を破棄</translation>
    </message>
    <message>
        <source>Save or discard the last recording first.</source>
        <translation>先に前回の録音を保存するか破棄してください。</translation>
    </message>
    <message>
        <source>Record up to %1 s from the microphone</source>
        <translation>マイクから最大 %1 秒録音</translation>
    </message>
    <message>
        <source>● %1 / %2 s</source>
        <translation>● %1 / %2 秒</translation>
    </message>
    <message>
        <source>Recordings cannot be saved here.</source>
        <translation>ここでは録音を保存できません。</translation>
    </message>
    <message>
        <source>%1
The recording is kept: press Save recording to try again, or Discard.</source>
        <translation>%1
録音は保持されています。「録音を保存」で再試行するか、「破棄」を押してください。</translation>
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
        <translation>新しい会話</translation>
    </message>
    <message>
        <source>%1 (answering…)</source>
        <translation>%1（回答中…）</translation>
    </message>
</context>
<context>
    <name>weft::ui::ConversationSidebar</name>
    <message>
        <source>Search conversations</source>
        <translation>会話を検索</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>会話</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新規</translation>
    </message>
    <message>
        <source>New conversation</source>
        <translation>新しい会話</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>名前を変更</translation>
    </message>
    <message>
        <source>Rename conversation</source>
        <translation>会話の名前を変更</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>削除</translation>
    </message>
    <message>
        <source>Delete conversation</source>
        <translation>会話を削除</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>タイトル:</translation>
    </message>
</context>
<context>
    <name>weft::ui::EngineWorker</name>
    <message>
        <source>No model folder is set and no embedded model was found.</source>
        <translation>モデルフォルダーが設定されておらず、内蔵モデルも見つかりません。</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>停止しました。</translation>
    </message>
    <message>
        <source>The model is not loaded.</source>
        <translation>モデルが読み込まれていません。</translation>
    </message>
    <message>
        <source>Picture drawn by %1, without a description</source>
        <translation>%1 が描いた画像（説明なし）</translation>
    </message>
</context>
<context>
    <name>weft::ui::ExamplePairDialog</name>
    <message>
        <source>Example pairs</source>
        <translation>例のペア</translation>
    </message>
    <message>
        <source>Show the change with one or more before → after pairs, then give the image to change the same way.</source>
        <translation>1 組以上の「前 → 後」のペアで変化を示し、同じように変えたい画像を指定してください。</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>後</translation>
    </message>
    <message>
        <source>Query image</source>
        <translation>対象の画像</translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation>指示</translation>
    </message>
    <message>
        <source>Builder message</source>
        <translation>ビルダーのお知らせ</translation>
    </message>
    <message>
        <source>Add pair</source>
        <translation>ペアを追加</translation>
    </message>
    <message>
        <source>Add an example pair</source>
        <translation>例のペアを追加</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>送信</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>対象</translation>
    </message>
    <message>
        <source>Before %1</source>
        <translation>前 %1</translation>
    </message>
    <message>
        <source>After %1</source>
        <translation>後 %1</translation>
    </message>
    <message>
        <source>Pair %1 needs both a before and an after image.</source>
        <translation>ペア %1 には「前」と「後」の両方の画像が必要です。</translation>
    </message>
    <message>
        <source>Add at least one complete before → after pair.</source>
        <translation>完全な「前 → 後」のペアを少なくとも 1 組追加してください。</translation>
    </message>
    <message>
        <source>Add the query image.</source>
        <translation>対象の画像を追加してください。</translation>
    </message>
</context>
<context>
    <name>weft::ui::ImageSlot</name>
    <message>
        <source>%1
(drop or click)</source>
        <translation>%1
（ドロップまたはクリック）</translation>
    </message>
    <message>
        <source>%1 is not an image.</source>
        <translation>%1 は画像ではありません。</translation>
    </message>
    <message>
        <source>Drop an image file here.</source>
        <translation>ここに画像ファイルをドロップしてください。</translation>
    </message>
    <message>
        <source>Clear %1</source>
        <translation>%1 をクリア</translation>
    </message>
</context>
<context>
    <name>weft::ui::ImageTile</name>
    <message>
        <source>Image</source>
        <translation>画像</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>編集</translation>
    </message>
    <message>
        <source>Edit this image</source>
        <translation>この画像を編集</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>被写体</translation>
    </message>
    <message>
        <source>Use as subject</source>
        <translation>被写体として使う</translation>
    </message>
    <message>
        <source>Example</source>
        <translation>例</translation>
    </message>
    <message>
        <source>Use as example</source>
        <translation>例として使う</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>名前を付けて保存…</translation>
    </message>
    <message>
        <source>Save image as…</source>
        <translation>画像に名前を付けて保存…</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>コピー</translation>
    </message>
    <message>
        <source>Copy image</source>
        <translation>画像をコピー</translation>
    </message>
    <message>
        <source>Press Enter to open the viewer</source>
        <translation>Enter キーでビューアーを開きます</translation>
    </message>
</context>
<context>
    <name>weft::ui::ImageViewer</name>
    <message>
        <source>Image</source>
        <translation>画像</translation>
    </message>
    <message>
        <source>Image viewer</source>
        <translation>画像ビューアー</translation>
    </message>
    <message>
        <source>Image view</source>
        <translation>画像表示</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>ズーム</translation>
    </message>
    <message>
        <source>Compare with the original</source>
        <translation>元の画像と比較</translation>
    </message>
    <message>
        <source>Compare split position</source>
        <translation>比較の分割位置</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>説明</translation>
    </message>
    <message>
        <source>Zoom:</source>
        <translation>ズーム:</translation>
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
        <translation>元に戻す</translation>
    </message>
    <message>
        <source>Undo delete</source>
        <translation>削除を元に戻す</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>モデルなし</translation>
    </message>
    <message>
        <source>Model status</source>
        <translation>モデルの状態</translation>
    </message>
    <message>
        <source>Model loading progress</source>
        <translation>モデルの読み込み状況</translation>
    </message>
    <message>
        <source>Model %1 on %2</source>
        <translation>モデル %1（%2）</translation>
    </message>
    <message>
        <source>Model not loaded: %1</source>
        <translation>モデルが読み込まれていません: %1</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;New conversation</source>
        <translation>新しい会話(&amp;N)</translation>
    </message>
    <message>
        <source>Export as &amp;folder…</source>
        <translation>フォルダーとしてエクスポート(&amp;F)…</translation>
    </message>
    <message>
        <source>Export as &amp;HTML page…</source>
        <translation>HTML ページとしてエクスポート(&amp;H)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>チャット(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Send</source>
        <translation>送信(&amp;S)</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>停止(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Regenerate</source>
        <translation>再生成(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Example pairs…</source>
        <translation>例のペア(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Paste into message</source>
        <translation>メッセージに貼り付け(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>ツール(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>設定(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Model card…</source>
        <translation>モデルカード(&amp;M)…</translation>
    </message>
    <message>
        <source>Loading model %1…</source>
        <translation>モデル %1 を読み込んでいます…</translation>
    </message>
    <message>
        <source>Conversation deleted.</source>
        <translation>会話を削除しました。</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>画像</translation>
    </message>
    <message>
        <source>Save image</source>
        <translation>画像を保存</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 画像 (*.png)</translation>
    </message>
    <message>
        <source>The image could not be saved to %1.</source>
        <translation>画像を %1 に保存できませんでした。</translation>
    </message>
    <message>
        <source>Image copied.</source>
        <translation>画像をコピーしました。</translation>
    </message>
    <message>
        <source>Edit and resend</source>
        <translation>編集して再送信</translation>
    </message>
    <message>
        <source>Message:</source>
        <translation>メッセージ:</translation>
    </message>
    <message>
        <source>The language changes at the next start.</source>
        <translation>言語は次回の起動時に変わります。</translation>
    </message>
    <message>
        <source>Export to folder</source>
        <translation>フォルダーへエクスポート</translation>
    </message>
    <message>
        <source>Exported to %1.</source>
        <translation>%1 にエクスポートしました。</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>エクスポートに失敗しました: %1</translation>
    </message>
    <message>
        <source>Export as HTML page</source>
        <translation>HTML ページとしてエクスポート</translation>
    </message>
    <message>
        <source>HTML page (*.html)</source>
        <translation>HTML ページ (*.html)</translation>
    </message>
    <message>
        <source>Model %1 on %2 (the new model could not be loaded)</source>
        <translation>モデル %1（%2）（新しいモデルを読み込めませんでした）</translation>
    </message>
    <message>
        <source>The model could not be loaded: %1. Still using %2.</source>
        <translation>モデルを読み込めませんでした: %1。引き続き %2 を使用します。</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存の変更</translation>
    </message>
    <message>
        <source>● Not saved, next try in %1 s</source>
        <translation>● 未保存、%1 秒後に再試行</translation>
    </message>
    <message>
        <source>● Not saved</source>
        <translation>● 未保存</translation>
    </message>
    <message numerus="yes">
        <source>%n conversation(s) could not be saved: %1
If you quit now, the last changes are lost.</source>
        <translation>
            <numerusform>%n 件の会話を保存できませんでした: %1
今終了すると、最後の変更は失われます。</numerusform>
        </translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>再試行</translation>
    </message>
    <message>
        <source>Save a copy elsewhere…</source>
        <translation>別の場所にコピーを保存…</translation>
    </message>
    <message>
        <source>Quit anyway</source>
        <translation>それでも終了</translation>
    </message>
    <message>
        <source>Save a copy of the unsaved conversations</source>
        <translation>未保存の会話のコピーを保存</translation>
    </message>
    <message>
        <source>A copy was saved in %1.</source>
        <translation>コピーを %1 に保存しました。</translation>
    </message>
    <message>
        <source>The copy could not be saved: %1</source>
        <translation>コピーを保存できませんでした: %1</translation>
    </message>
    <message>
        <source>An answer is being written: Send is available again when it is done. Your pairs stay here.</source>
        <translation>回答を作成中です。完了すると再び送信できます。ペアはここに残ります。</translation>
    </message>
</context>
<context>
    <name>weft::ui::ModelCardDialog</name>
    <message>
        <source>Model card</source>
        <translation>モデルカード</translation>
    </message>
    <message>
        <source>**Loaded:** %1 · %2 parameters · %3 · sha256 `%4`</source>
        <translation>**読み込み済み:** %1 · パラメーター %2 個 · %3 · sha256 `%4`</translation>
    </message>
    <message>
        <source>No MODEL_CARD.md in %1.</source>
        <translation>%1 に MODEL_CARD.md がありません。</translation>
    </message>
</context>
<context>
    <name>weft::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Embedded model</source>
        <translation>内蔵モデル</translation>
    </message>
    <message>
        <source>Model folder</source>
        <translation>モデルフォルダー</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <source>Choose the model folder</source>
        <translation>モデルフォルダーを選択</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>デバイス</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自動</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA (GPU)</source>
        <translation>CUDA (GPU)</translation>
    </message>
    <message>
        <source>All cores</source>
        <translation>すべてのコア</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>スレッド数</translation>
    </message>
    <message>
        <source>Seed policy</source>
        <translation>シードの決め方</translation>
    </message>
    <message>
        <source>New random seed for every answer</source>
        <translation>返答ごとに新しいランダムシード</translation>
    </message>
    <message>
        <source>Fixed seed</source>
        <translation>固定シード</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>オフ</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Guidance scale</source>
        <translation>ガイダンススケール</translation>
    </message>
    <message>
        <source>Maximum text tokens</source>
        <translation>テキストトークンの上限</translation>
    </message>
    <message>
        <source>Compress in-context examples</source>
        <translation>文脈内の例を圧縮</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>言語</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>システムの言語</translation>
    </message>
    <message>
        <source>Model folder:</source>
        <translation>モデルフォルダー:</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>デバイス:</translation>
    </message>
    <message>
        <source>Threads:</source>
        <translation>スレッド数:</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>シード:</translation>
    </message>
    <message>
        <source>Fixed seed:</source>
        <translation>固定シード:</translation>
    </message>
    <message>
        <source>Temperature:</source>
        <translation>温度:</translation>
    </message>
    <message>
        <source>Top-k:</source>
        <translation>Top-k:</translation>
    </message>
    <message>
        <source>Guidance scale:</source>
        <translation>ガイダンススケール:</translation>
    </message>
    <message>
        <source>Maximum text tokens:</source>
        <translation>テキストトークンの上限:</translation>
    </message>
    <message>
        <source>Language (after restart):</source>
        <translation>言語（再起動後に反映）:</translation>
    </message>
</context>
<context>
    <name>weft::ui::StarterPanel</name>
    <message>
        <source>Draw: a small yellow star and a large red circle on blue stripes</source>
        <translation>描く：青いストライプの上に小さな黄色い星と大きな赤い円</translation>
    </message>
    <message>
        <source>Edit a picture: make the red circle green</source>
        <translation>画像を編集：赤い円を緑にする</translation>
    </message>
    <message>
        <source>Learn from an example pair, then apply it to a new picture</source>
        <translation>例のペアから学び、新しい画像に適用する</translation>
    </message>
    <message>
        <source>Picture + sound: make it sound like rain</source>
        <translation>画像＋音：雨のような音にする</translation>
    </message>
    <message>
        <source>Ways to start</source>
        <translation>始め方</translation>
    </message>
    <message>
        <source>Try one of these, or drop pictures and sounds here.</source>
        <translation>これらのどれかを試すか、画像や音をここにドロップしてください。</translation>
    </message>
    <message>
        <source>weft-tiny knows only its world of shapes, colours and patterns: other pictures come back as shapes.</source>
        <translation>weft-tiny が知っているのは図形・色・模様の世界だけです。ほかの画像は図形として返ってきます。</translation>
    </message>
    <message>
        <source>What the model knows</source>
        <translation>モデルが知っていること</translation>
    </message>
    <message>
        <source>Could not prepare the example files: %1</source>
        <translation>例のファイルを準備できませんでした: %1</translation>
    </message>
    <message>
        <source>Could not prepare the example file %1.</source>
        <translation>例のファイル %1 を準備できませんでした。</translation>
    </message>
</context>
</TS>
