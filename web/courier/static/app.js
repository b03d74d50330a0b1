// The couriers' mobile page: sign in, today's legs, scans (typed, or by
// camera where the browser has BarcodeDetector) and the check at the door.
// Scans wait in a queue (sessionStorage) while the phone is offline and are
// sent again with the same scan id, which the server answers only once.
'use strict';
(() => {
  const $ = (s) => document.querySelector(s);
  const TOKENS = 'zv.courier.tokens';
  const QUEUE = 'zv.courier.queue';
  const kinds = { pickup: '收件', delivery: '送达', return: '退回' };
  const states = {
    ordered: '待揽收', picked_up: '已揽收', in_transit: '运输中', out_for_delivery: '派送中', delivered: '已完成',
    refused: '已拒收', undeliverable: '无法投递', lost: '已遗失', cancelled: '已取消',
  };
  let legs = [];
  let door = null;
  let flushing = false;

  const tokens = () => { try { return JSON.parse(localStorage.getItem(TOKENS)); } catch { return null; } };
  const setTokens = (t) => (t ? localStorage.setItem(TOKENS, JSON.stringify(t)) : localStorage.removeItem(TOKENS));
  const queue = () => { try { return JSON.parse(sessionStorage.getItem(QUEUE)) || []; } catch { return []; } };
  const saveQueue = (q) => { sessionStorage.setItem(QUEUE, JSON.stringify(q)); $('#queue-count').textContent = String(q.length); };
  const say = (text, kind) => { const m = $('#message'); m.textContent = text; m.className = kind || ''; };
  // fieldSay puts a message right after the field it is about (after anchor
  // when given), marks the field invalid and focuses it; the message goes
  // when the field changes.
  const fieldSay = (el, text, anchor) => {
    const id = el.id + '-error';
    let m = document.getElementById(id);
    if (!m) {
      m = document.createElement('span');
      m.id = id; m.className = 'field-error'; m.setAttribute('role', 'alert');
      (anchor || el).insertAdjacentElement('afterend', m);
    }
    m.textContent = text;
    el.setAttribute('aria-invalid', 'true');
    el.setAttribute('aria-describedby', id);
    el.focus();
    const box = anchor || el;
    const clear = () => {
      el.removeAttribute('aria-invalid'); el.removeAttribute('aria-describedby'); m.remove();
      box.removeEventListener('input', clear); box.removeEventListener('change', clear);
    };
    box.addEventListener('input', clear); box.addEventListener('change', clear);
  };
  const OFFLINE = '无法连接服务器：请检查手机网络（可切换 Wi-Fi 或移动数据）后重试';

  function newID() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  }

  // api calls the server; an error with a status is the server's answer,
  // one without is a network failure.
  async function api(method, path, body, retried) {
    const t = tokens();
    const headers = {};
    if (t) headers.Authorization = 'Bearer ' + t.access_token;
    let payload;
    if (body instanceof Blob) {
      payload = body;
      headers['Content-Type'] = body.type;
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['Content-Type'] = 'application/json';
    }
    const res = await fetch(path, { method, headers, body: payload });
    if (res.status === 401 && t && !retried && !path.startsWith('/api/v1/courier/session')) {
      if (await refresh()) return api(method, path, body, true);
    }
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = null; }
    if (!res.ok) {
      const e = new Error((data && data.error && data.error.message) ||
        (res.status >= 500 ? '服务暂时无法处理（' + res.status + '）：请稍后重试，多次失败请联系站点负责人' : '请求未能完成（' + res.status + '）：请核对后重试'));
      e.status = res.status;
      e.code = data && data.error && data.error.code;
      throw e;
    }
    return data;
  }

  // refresh renews the session once however many calls found it expired
  // together: a refresh token is good for one use, and a second use ends
  // every session of the account.
  let refreshing = null;
  function refresh() {
    if (!refreshing) refreshing = renew().finally(() => { refreshing = null; });
    return refreshing;
  }

  async function renew() {
    const t = tokens();
    if (!t || !t.refresh_token) return false;
    try {
      setTokens(await api('POST', '/api/v1/courier/session/refresh', { refresh_token: t.refresh_token }));
      return true;
    } catch (e) {
      if (e.status) { setTokens(null); show(); }
      return false;
    }
  }

  function show() {
    const signedIn = !!tokens();
    $('#login-view').hidden = signedIn;
    $('#work-view').hidden = !signedIn;
    $('#logout').hidden = !signedIn;
    if (signedIn) { saveQueue(queue()); loadLegs(); flush(); }
  }

  $('#login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await api('POST', '/api/v1/courier/session', { phone: $('#login-phone').value.trim(), password: $('#login-password').value });
      setTokens(r.tokens);
      $('#login-password').value = '';
      say('已登录', 'ok');
      show();
    } catch (e) { say(e.status ? e.message : OFFLINE, 'error'); }
  });

  $('#logout').addEventListener('click', async () => {
    const t = tokens();
    try { await api('DELETE', '/api/v1/courier/session', { refresh_token: t && t.refresh_token }); } catch { /* signed out here either way */ }
    setTokens(null);
    show();
  });

  // loadLegs reads every page of the day's legs, following next_cursor.
  async function loadLegs() {
    try {
      const all = [];
      let cursor = '';
      do {
        const r = await api('GET', '/api/v1/courier/legs?limit=100' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
        all.push(...(r.items || []));
        cursor = r.next_cursor || '';
      } while (cursor);
      legs = all;
      renderLegs();
    } catch (e) { say(e.status ? e.message : OFFLINE + '，再点“刷新”', 'error'); }
  }
  $('#refresh').addEventListener('click', loadLegs);

  function contact(c) { return [c.company, c.name, c.phone, c.address].filter(Boolean).join(' '); }

  function renderLegs() {
    const ul = $('#legs');
    ul.replaceChildren();
    for (const l of legs) {
      const li = document.createElement('li');
      li.dataset.waybill = l.waybill;
      const head = document.createElement('div');
      const k = document.createElement('span');
      k.className = 'kind';
      k.textContent = kinds[l.kind] || l.kind;
      head.append(k, l.waybill + ' · ' + (states[l.status] || l.status));
      const meta = document.createElement('div');
      meta.className = 'meta';
      const from = l.kind === 'pickup' ? l.party : l.office;
      const to = l.kind === 'pickup' || l.kind === 'return' ? l.office : l.party;
      const postage = l.payer === 'recipient' ? '到付 ' + (l.postage_fen / 100).toFixed(2) + ' 元' : '邮费已免';
      meta.textContent = [l.case_number + ' ' + (l.item_name || ''), '自：' + contact(l.kind === 'return' ? l.party : from),
        '至：' + contact(to), l.checklist.length ? '原件：' + l.checklist.map((c) => c.name).join('、') : '', postage,
        l.attempts ? '未投递成功 ' + l.attempts + ' 次' : ''].filter(Boolean).join('\n');
      meta.style.whiteSpace = 'pre-line';
      li.append(head, meta);
      li.addEventListener('click', () => {
        $('#scan-waybill').value = l.waybill;
        $('#scan-kind').value = l.kind === 'delivery' && l.status !== 'ordered' ? 'delivery' : l.kind === 'return' ? 'handover' : 'pickup';
      });
      ul.append(li);
    }
  }

  $('#scan-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const waybill = $('#scan-waybill').value.trim();
    const kind = $('#scan-kind').value;
    if (kind === 'delivery') { openDoor(waybill); return; }
    enqueue({ client_id: newID(), waybill, kind, at: new Date().toISOString(), note: $('#scan-note').value.trim() || undefined });
    $('#scan-waybill').value = '';
    $('#scan-note').value = '';
  });

  async function openDoor(waybill) {
    let l = legs.find((x) => x.waybill === waybill && x.kind === 'delivery');
    if (!l) { await loadLegs(); l = legs.find((x) => x.waybill === waybill && x.kind === 'delivery'); }
    if (!l) { say('未找到该待送达运单', 'error'); return; }
    door = { leg: l, photos: {} };
    $('#door-waybill').textContent = l.waybill + ' · ' + l.case_number;
    $('#id-number').value = '';
    const ol = $('#checklist');
    ol.replaceChildren();
    for (const item of l.checklist) ol.append(checkItem(item));
    $('#door').hidden = false;
    say(l.checklist.length ? '请核验收件人身份并逐项查验原件' : '请核验收件人身份', '');
  }

  function checkItem(item) {
    const li = document.createElement('li');
    li.innerHTML = '<div class="name"></div><div class="verdict">' +
      '<label><input type="radio" value="pass"> 通过</label><label><input type="radio" value="fail"> 不通过</label></div>' +
      '<label>说明 <input class="note" maxlength="200"></label><label>原件照片 <input type="file" accept="image/*" capture="environment"></label>' +
      '<div class="uploaded"></div>';
    li.querySelector('.name').textContent = item.name;
    const [pass, fail] = li.querySelectorAll('input[type=radio]');
    pass.name = fail.name = 'verdict-' + item.code;
    pass.id = 'check-' + item.code + '-pass';
    fail.id = 'check-' + item.code + '-fail';
    li.querySelector('.note').id = 'note-' + item.code;
    const file = li.querySelector('input[type=file]');
    file.id = 'photo-' + item.code;
    const status = li.querySelector('.uploaded');
    status.id = 'photo-' + item.code + '-status';
    file.addEventListener('change', async () => {
      if (!file.files.length) return;
      status.textContent = '上传中…';
      try {
        const jpeg = await shrink(file.files[0]);
        const r = await api('POST', '/api/v1/courier/legs/' + encodeURIComponent(door.leg.id) + '/photos', jpeg);
        door.photos[item.code] = r;
        status.textContent = '已上传 SM3 ' + r.sm3.slice(0, 16) + '…';
      } catch (e) { status.textContent = '上传失败：' + (e.status ? e.message : OFFLINE + '，再重新选择照片'); }
    });
    return li;
  }

  // shrink re-encodes a photo as JPEG, at most 1600 px and under 900 KiB.
  async function shrink(f) {
    const img = await createImageBitmap(f);
    const scale = Math.min(1, 1600 / Math.max(img.width, img.height));
    const c = document.createElement('canvas');
    c.width = Math.max(1, Math.round(img.width * scale));
    c.height = Math.max(1, Math.round(img.height * scale));
    c.getContext('2d').drawImage(img, 0, 0, c.width, c.height);
    for (const q of [0.85, 0.7, 0.5, 0.35]) {
      const b = await new Promise((ok) => c.toBlob(ok, 'image/jpeg', q));
      if (b && b.size <= 900 * 1024) return b;
    }
    throw new Error('照片过大');
  }

  $('#door-cancel').addEventListener('click', () => { door = null; $('#door').hidden = true; });
  $('#door-submit').addEventListener('click', () => {
    if (!door) return;
    const id = $('#id-number').value.trim();
    if (!id) { fieldSay($('#id-number'), '请填写收件人身份证号'); return; }
    const checks = [];
    for (const item of door.leg.checklist) {
      const passed = $('#check-' + item.code + '-pass').checked;
      const failed = $('#check-' + item.code + '-fail').checked;
      const note = $('#note-' + item.code).value.trim();
      const photo = door.photos[item.code];
      const pass = $('#check-' + item.code + '-pass');
      if (!passed && !failed) { fieldSay(pass, '请选择“通过”或“不通过”', pass.closest('.verdict')); return; }
      if (!photo) { fieldSay($('#photo-' + item.code), '请拍摄原件照片'); return; }
      if (failed && !note) { fieldSay($('#note-' + item.code), '请说明不通过的原因'); return; }
      checks.push({ material: item.code, passed, note: note || undefined, photo_key: photo.key });
    }
    enqueue({ client_id: newID(), waybill: door.leg.waybill, kind: 'delivery', at: new Date().toISOString(), id_number: id, checks });
    door = null;
    $('#door').hidden = true;
  });

  function enqueue(scan) {
    const q = queue();
    q.push(scan);
    saveQueue(q);
    flush();
  }

  async function flush() {
    if (flushing || !tokens()) return;
    flushing = true;
    try {
      let q = queue();
      while (q.length) {
        const scan = q[0];
        try {
          report(await api('POST', '/api/v1/courier/scans', scan));
        } catch (e) {
          if (!e.status) { say('网络不可用，扫描已保存，恢复后自动重发', 'error'); break; }
          if (e.status === 401 && !tokens()) break;
          // Busy or down for a moment: keep the scan and try again later.
          // Its client id makes a resend harmless.
          if (e.status === 429 || e.status >= 500) {
            say('服务暂时繁忙，扫描已保存，稍后自动重发', 'error');
            setTimeout(flush, 15000);
            break;
          }
          say('扫描未被接受（' + scan.waybill + '）：' + e.message, 'error');
        }
        q = queue();
        q.shift();
        saveQueue(q);
      }
    } finally { flushing = false; }
    loadLegs();
  }

  function report(r) {
    let text = '运单 ' + r.waybill + '：' + (states[r.status] || r.status);
    if (r.verification === 'passed') text += '，上门核验通过，已交付';
    if (r.verification === 'failed') text += '，核验不通过，办理结果已收回，请交回部门';
    if (r.replayed) text += '（重复提交，未重复处理）';
    say(text, r.verification === 'failed' ? 'error' : 'ok');
  }

  // Camera scanning where the browser can read barcodes itself.
  if ('BarcodeDetector' in window) {
    $('#scan-camera').hidden = false;
    $('#scan-camera').addEventListener('click', async () => {
      const video = $('#camera');
      let stream;
      try {
        const wanted = ['code_128', 'code_39', 'itf', 'ean_13', 'qr_code'];
        const formats = (await BarcodeDetector.getSupportedFormats()).filter((f) => wanted.includes(f));
        const detector = new BarcodeDetector({ formats });
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
        video.srcObject = stream;
        video.hidden = false;
        await video.play();
        for (let i = 0; i < 200; i++) {
          const codes = await detector.detect(video);
          if (codes.length) { $('#scan-waybill').value = codes[0].rawValue.trim(); break; }
          await new Promise((ok) => setTimeout(ok, 150));
        }
      } catch (e) {
        say('无法使用摄像头，请手动输入运单号', 'error');
      } finally {
        if (stream) stream.getTracks().forEach((t) => t.stop());
        video.hidden = true;
      }
    });
  }

  const net = () => { $('#net').textContent = navigator.onLine ? '在线' : '离线'; };
  window.addEventListener('online', () => { net(); flush(); });
  window.addEventListener('offline', net);
  setInterval(flush, 15000);
  net();
  show();
})();
