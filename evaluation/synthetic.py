"""A seeded synthetic knowledge base for scale benchmarks.

Articles follow the shipped KB's shape: a standard-Indonesian title, four to
six question variants written the way callers and agents type (slang such as
gmn, brp, udh, tdk, yg; abbreviations; dropped words; some typos), an answer
of two to five sentences, keywords, sometimes a legal basis and a region.
Variation comes from topics per category crossed with taxpayer types,
vehicle types, regions, channels, years and amounts, so 50,000 articles do
not collapse into a few hundred distinct texts.

Article ``i`` depends only on ``(seed, i)``: the first 1,000 articles of the
10,000-article KB are the 1,000-article KB, and a run is reproducible.
The text is not meant to be true tax guidance; it is meant to cost what real
text costs to tokenise, stem, index and search.
"""

from __future__ import annotations

import datetime as dt
import random

from evaluation.typos import inject_typos
from kb.categories import load_codes
from kb.schema import Article

# (verb phrase in standard Indonesian, agent-typed variants of the same request)
_TOPICS: dict[str, list[tuple[str, list[str]]]] = {
    "DJP-REG": [
        ("mendaftar NPWP {wp}", ["daftar npwp {wps}", "bikin npwp {wps} gmn", "npwp {wps} baru"]),
        (
            "mengaktifkan kembali NPWP non-efektif {wp}",
            ["npwp ne {wps} aktifin lg", "aktifkan npwp {wps} yg ne"],
        ),
        (
            "mengubah alamat pada data NPWP {wp}",
            ["ganti alamat npwp {wps}", "pindah alamat npwp gmn"],
        ),
        (
            "memadankan NIK dengan NPWP",
            ["pemadanan nik npwp", "nik blm padan npwp", "validasi nik npwp gagal"],
        ),
        (
            "mencetak ulang kartu NPWP yang hilang",
            ["kartu npwp ilang", "cetak ulang npwp", "npwp hilang urus dmn"],
        ),
        (
            "menghapus NPWP {wp}",
            ["hapus npwp {wps}", "tutup npwp krn meninggal", "npwp ga dipake lg dihapus"],
        ),
        (
            "mendaftarkan NITKU untuk cabang usaha",
            ["nitku cabang", "daftar nitku tempat usaha", "nitku itu apa"],
        ),
        (
            "mengajukan pengukuhan PKP",
            ["jadi pkp syaratnya", "daftar pkp {wps}", "pengukuhan pkp brp lama"],
        ),
    ],
    "DJP-AKUN": [
        ("mendapatkan EFIN baru", ["minta efin", "efin lupa", "efin ilang gmn"]),
        (
            "mengatur ulang kata sandi Coretax",
            ["lupa pw coretax", "reset password djp online", "sandi coretax salah trs"],
        ),
        (
            "mengaktifkan akun Coretax {wp}",
            ["aktivasi coretax {wps}", "akun coretax blm aktif", "daftar akun coretax"],
        ),
        (
            "mengatasi kode OTP yang tidak masuk",
            ["otp ga masuk", "kode otp coretax blm dtg", "sms otp tdk terkirim"],
        ),
        (
            "mengganti nomor ponsel di akun pajak",
            ["ganti no hp coretax", "nomor hp lama ga aktif", "ubah hp akun djp"],
        ),
        (
            "membuka akun Coretax yang terkunci",
            ["akun coretax kekunci", "akun terblokir salah pw", "coretax locked"],
        ),
        (
            "membuat sertifikat elektronik",
            ["sertel coretax", "bikin sertifikat elektronik", "kode otorisasi djp"],
        ),
    ],
    "DJP-SPT": [
        (
            "melaporkan SPT Tahunan {wp} tahun {year}",
            ["lapor spt {wps} {year}", "cara lapor spt {wps}", "spt tahunan {wps} gmn"],
        ),
        (
            "mengetahui batas waktu SPT {wp}",
            ["deadline spt {wps}", "batas lapor spt kpn", "spt {wps} paling lambat"],
        ),
        (
            "memilih formulir SPT 1770 S atau 1770 SS",
            ["1770 s ato 1770 ss", "formulir spt yg mana", "beda 1770s sama 1770ss"],
        ),
        (
            "membetulkan SPT yang sudah dilaporkan",
            ["pembetulan spt {year}", "spt salah isi gmn", "revisi spt udh lapor"],
        ),
        (
            "melaporkan SPT nihil",
            ["spt nihil {wps}", "ga ada penghasilan tetep lapor spt", "lapor spt nol"],
        ),
        (
            "membayar denda telat lapor SPT",
            ["denda telat spt {wps}", "telat lapor spt {year} kena brp", "sanksi spt terlambat"],
        ),
        (
            "mengisi harta dan utang di SPT",
            ["isi harta di spt", "motor kredit masuk utang spt", "harta spt diisi apa aja"],
        ),
    ],
    "DJP-BAYAR": [
        (
            "membuat kode billing untuk {wp}",
            ["bikin kode billing {wps}", "id billing dr mana", "kode billing gmn"],
        ),
        (
            "mengetahui masa berlaku kode billing",
            ["kode billing expired", "billing berlaku brp hari", "kode billing kadaluarsa"],
        ),
        (
            "mendapatkan NTPN setelah membayar pajak",
            ["ntpn ga muncul", "cari ntpn", "bukti bayar ntpn dmn"],
        ),
        (
            "membayar pajak melalui {channel}",
            [
                "bayar pajak lwt {channels}",
                "setor pajak di {channels} bs?",
                "bayar billing via {channels}",
            ],
        ),
        (
            "mengajukan pemindahbukuan karena salah bayar",
            ["salah setor pajak", "pbk gmn caranya", "salah kode akun bayar"],
        ),
        (
            "menghitung bunga keterlambatan pembayaran",
            ["telat setor kena bunga brp", "bunga telat bayar pajak", "sanksi telat setor"],
        ),
    ],
    "DJP-PPH": [
        (
            "menghitung PTKP untuk status {ptkp}",
            ["ptkp {ptkps} brp", "ptkp {ptkps} thn {year}", "besaran ptkp {ptkps}"],
        ),
        (
            "menghitung PPh 21 dengan tarif efektif rata-rata",
            ["pph 21 ter gmn", "hitung pph21 gaji {amount}", "ter pph 21 kategori a"],
        ),
        (
            "memahami PPh final 0,5% untuk UMKM",
            ["pph final umkm", "pajak umkm 0,5 persen", "omzet {amount} kena pajak ga"],
        ),
        (
            "mendapatkan bukti potong 1721-A1",
            ["bukti potong a1 minta kmn", "1721 a1 blm dikasih", "a1 dr kantor"],
        ),
        (
            "memahami pajak atas bunga deposito",
            ["bunga deposito kena pajak", "pajak deposito brp persen", "pph bunga bank"],
        ),
        (
            "menghitung pajak atas THR dan bonus",
            ["thr kena pajak ga", "bonus dipotong pph brp", "pajak thr {year}"],
        ),
        (
            "menggunakan NPPN untuk pekerja bebas",
            ["nppn freelancer", "norma penghitungan dokter", "pakai norma gmn"],
        ),
    ],
    "DJP-PPN": [
        (
            "mengetahui tarif PPN yang berlaku",
            ["tarif ppn skrg", "ppn {year} brp persen", "ppn 12 persen semua barang?"],
        ),
        (
            "membuat faktur pajak di Coretax",
            ["bikin faktur coretax", "efaktur coretax gmn", "faktur pajak keluaran"],
        ),
        ("meminta NSFP", ["nsfp abis", "minta nomor seri faktur", "nsfp coretax"]),
        (
            "membuat nota retur",
            ["retur barang ppn", "nota retur coretax", "barang dikembalikan faktur gmn"],
        ),
        (
            "memahami PPN kegiatan membangun sendiri",
            ["ppn bangun rumah sendiri", "kms brp persen", "bangun rumah kena ppn"],
        ),
        (
            "memahami PPN atas layanan digital luar negeri",
            ["ppn netflix", "ppn pmse", "langganan aplikasi luar kena ppn"],
        ),
    ],
    "DJP-LAYANAN": [
        (
            "mengajukan restitusi {wp}",
            ["restitusi {wps}", "lebih bayar balik ga", "minta restitusi gmn"],
        ),
        (
            "mengajukan keberatan atas ketetapan pajak",
            ["keberatan skp", "ga setuju tagihan pajak", "ajukan keberatan gmn"],
        ),
        (
            "meminta pengurangan sanksi administrasi",
            ["hapus sanksi pajak", "pengurangan denda pajak", "stp minta dikurangi"],
        ),
        (
            "meminta Surat Keterangan Fiskal",
            ["skf buat tender", "surat keterangan fiskal", "minta skf online"],
        ),
        (
            "menghubungi Kring Pajak",
            ["nomor kring pajak", "telp kring pajak jam brp", "chat kring pajak"],
        ),
        (
            "mendapatkan surat keterangan PP 55",
            ["suket pp 55", "surat keterangan umkm", "skb pp55"],
        ),
    ],
    "SAMSAT-PKB": [
        (
            "membayar pajak {veh} tahunan {loc}",
            ["bayar pajak {vehs} {locs}", "pkb {vehs} tahunan dmn", "pajak {vehs} bs dmn aja"],
        ),
        (
            "menghitung denda keterlambatan PKB {veh}",
            ["telat pajak {vehs} dendanya", "pkb {vehs} telat {n} bln", "denda pkb {vehs} brp"],
        ),
        (
            "membayar pajak {veh} yang belum balik nama",
            [
                "pajak {vehs} blm balik nama",
                "bayar pkb bukan atas nama sendiri",
                "{vehs} seken bayar pajak",
            ],
        ),
        (
            "memahami pajak progresif {veh}",
            ["pajak progresif {vehs}", "{vehs} kedua kena progresif", "progresif pkb {locs}"],
        ),
        (
            "mengikuti program pemutihan PKB {loc}",
            ["pemutihan pajak {vehs} {year}", "pemutihan {locs} kpn", "diskon pkb {year}"],
        ),
        ("menghitung opsen PKB", ["opsen pkb itu apa", "opsen pajak {vehs}", "kok ada opsen"]),
        (
            "membayar tunggakan PKB beberapa tahun",
            ["nunggak pajak {vehs} {n} thn", "tunggakan pkb", "pajak mati {n} tahun"],
        ),
    ],
    "SAMSAT-STNK": [
        (
            "mengesahkan STNK tahunan {veh}",
            ["pengesahan stnk {vehs}", "stnk tahunan {locs}", "cap stnk tiap taun"],
        ),
        (
            "memperpanjang STNK lima tahunan {veh} {loc}",
            ["perpanjang stnk 5 thn {vehs}", "ganti plat {vehs} 5 tahunan", "stnk 5 taun {locs}"],
        ),
        (
            "melakukan cek fisik {veh}",
            ["cek fisik {vehs} dmn", "gesek rangka {vehs}", "cek fisik bs diwakilkan"],
        ),
        (
            "mengurus STNK {veh} yang hilang",
            ["stnk {vehs} ilang", "stnk hilang {locs}", "surat {vehs} hilang urus gmn"],
        ),
        (
            "mengganti pelat nomor yang rusak",
            ["plat rusak ganti", "tnkb patah", "pelat nomor ilang"],
        ),
        (
            "mengubah warna {veh}",
            ["ganti warna {vehs}", "cat ulang {vehs} lapor", "ubah warna stnk"],
        ),
    ],
    "SAMSAT-BBNKB": [
        (
            "melakukan balik nama {veh} bekas {loc}",
            ["balik nama {vehs} {locs}", "bbn {vehs} seken", "balnam {vehs} brp"],
        ),
        (
            "melakukan balik nama {veh} warisan",
            ["balik nama {vehs} warisan", "{vehs} almarhum ganti nama", "bbn hibah"],
        ),
        (
            "melaporkan penjualan {veh}",
            ["lapor jual {vehs}", "blokir stnk udh dijual", "{vehs} udh dijual lapor"],
        ),
        (
            "membuka blokir kepemilikan {veh}",
            ["buka blokir {vehs}", "{vehs} keblokir", "blokir stnk dibuka gmn"],
        ),
    ],
    "SAMSAT-MUTASI": [
        (
            "mengajukan mutasi keluar {veh} {loc}",
            ["mutasi {vehs} keluar {locs}", "cabut berkas {vehs}", "pindah plat {vehs}"],
        ),
        (
            "mengajukan mutasi masuk {veh} {loc}",
            ["mutasi masuk {locs}", "{vehs} dr luar daerah", "daftar mutasi masuk {vehs}"],
        ),
        (
            "melakukan mutasi {veh} dalam satu provinsi",
            ["mutasi dalam provinsi", "pindah samsat 1 provinsi", "mutasi antar kota {locs}"],
        ),
    ],
    "SAMSAT-APLIKASI": [
        (
            "membayar PKB melalui {app}",
            ["bayar pkb lwt {apps}", "{apps} bayar pajak {vehs}", "pkb online {apps}"],
        ),
        (
            "mengatasi pembayaran di {app} yang belum terkonfirmasi",
            ["udh bayar di {apps} blm lunas", "{apps} pending", "saldo kepotong {apps}"],
        ),
        (
            "mengatasi pembayaran ganda PKB",
            ["bayar pkb dobel", "kepotong 2 kali pajak", "double bayar {apps}"],
        ),
        ("mendaftar akun {app}", ["daftar {apps}", "{apps} ga bisa login", "akun {apps} error"]),
    ],
}

_WP = [
    ("orang pribadi", "pribadi"),
    ("badan", "badan"),
    ("karyawan", "karyawan"),
    ("pelaku UMKM", "umkm"),
    ("pekerja bebas", "freelancer"),
    ("warga negara asing", "wna"),
    ("pensiunan", "pensiunan"),
    ("mahasiswa", "mahasiswa"),
]
_VEH = [
    ("sepeda motor", "motor"),
    ("mobil penumpang", "mobil"),
    ("mobil barang", "pickup"),
    ("truk", "truk"),
    ("bus", "bus"),
    ("kendaraan listrik", "motor listrik"),
    ("sepeda motor bekas", "motor seken"),
]
_LOC = [
    ("di Kota Bandung", "bdg"),
    ("di Kabupaten Bogor", "bogor"),
    ("di Kota Bekasi", "bekasi"),
    ("di Kota Depok", "depok"),
    ("di Kabupaten Garut", "garut"),
    ("di Kota Cirebon", "cirebon"),
    ("di Kabupaten Karawang", "karawang"),
    ("di Kota Tasikmalaya", "tasik"),
    ("di Kota Sukabumi", "sukabumi"),
    ("di Kabupaten Cianjur", "cianjur"),
    ("di Kota Jakarta Selatan", "jaksel"),
    ("di Kota Surabaya", "sby"),
    ("di Kota Semarang", "smg"),
    ("di Kota Medan", "medan"),
    ("di Kota Makassar", "makassar"),
    ("di Kabupaten Sleman", "sleman"),
]
_CHANNEL = [
    ("bank persepsi", "bank"),
    ("kantor pos", "pos"),
    ("ATM", "atm"),
    ("internet banking", "m banking"),
    ("marketplace", "tokped"),
    ("dompet digital", "e wallet"),
]
_APP = [
    ("Sambara", "sambara"),
    ("e-Samsat", "esamsat"),
    ("SIGNAL", "signal"),
    ("aplikasi bank", "mbanking"),
]
_PTKP = [
    ("tidak kawin", "tk0"),
    ("kawin tanpa tanggungan", "k0"),
    ("kawin dengan satu tanggungan", "k1"),
    ("kawin dengan tiga tanggungan", "k3"),
]
_AMOUNT = ["5 juta", "10 juta", "60jt", "500rb", "4,8 miliar", "250 ribu", "1,5 juta"]

_TITLE_FORMS = (
    "Bagaimana cara {vp}?",
    "Apa saja syarat untuk {vp}?",
    "Berapa lama proses untuk {vp}?",
    "Di mana tempat untuk {vp}?",
    "Apakah ada biaya untuk {vp}?",
    "Apa yang perlu disiapkan untuk {vp}?",
)
_PREFIX = ("", "", "", "mau tanya ", "pak ", "bu ", "halo, ", "kak ")
_SUFFIX = ("", "", "", " ya", " kak", "?", " bs ga", " skrg")
_SLANG = {
    "bagaimana": "gmn",
    "berapa": "brp",
    "sudah": "udh",
    "tidak": "tdk",
    "yang": "yg",
    "untuk": "utk",
    "dengan": "dgn",
    "belum": "blm",
    "bisa": "bs",
    "tahun": "thn",
}
_DOCS = (
    "KTP asli",
    "KTP pemilik",
    "kartu keluarga",
    "STNK asli",
    "BPKB asli",
    "surat kuasa bermeterai",
    "bukti pembayaran",
    "surat keterangan dari kelurahan",
    "akta pendirian",
    "NPWP",
)
_DJP_LAW = ("UU KUP", "UU HPP", "PMK 81 Tahun 2024", "PP 55 Tahun 2022", "PER-25/PJ/2016")
_SAMSAT_LAW = ("UU 1 Tahun 2022", "Perda Pajak Daerah", "Pergub tentang PKB", "UU 22 Tahun 2009")
_CONTACT = {"djp": "Kring Pajak 1500200 atau KPP terdaftar", "samsat": "kantor Samsat terdekat"}


def _fill(text: str, rng: random.Random, *, slang: bool) -> str:
    """Replace {wp}/{wps} ... placeholders with one seeded choice per kind."""
    picks = {
        "wp": rng.choice(_WP),
        "veh": rng.choice(_VEH),
        "loc": rng.choice(_LOC),
        "channel": rng.choice(_CHANNEL),
        "app": rng.choice(_APP),
        "ptkp": rng.choice(_PTKP),
    }
    out = text
    for key, (std, short) in picks.items():
        out = out.replace("{" + key + "s}", short).replace("{" + key + "}", short if slang else std)
    return (
        out.replace("{year}", str(rng.choice(range(2021, 2027))))
        .replace("{n}", str(rng.choice((2, 3, 5, 6, 12))))
        .replace("{amount}", rng.choice(_AMOUNT))
    )


def _agentify(text: str, rng: random.Random, seed: str) -> str:
    """Lower case, slang for common words, sometimes a dropped word or a typo."""
    words = text.lower().rstrip("?").split()
    words = [_SLANG.get(w, w) if rng.random() < 0.7 else w for w in words]
    if len(words) > 4 and rng.random() < 0.3:
        del words[rng.randrange(1, len(words))]
    out = rng.choice(_PREFIX) + " ".join(words) + rng.choice(_SUFFIX)
    if rng.random() < 0.15:
        out = inject_typos(out, seed=seed, n_edits=1)
    return out


def _answer(vp: str, desk: str, rng: random.Random, loc: str) -> str:
    docs = ", ".join(rng.sample(_DOCS, rng.randint(2, 4)))
    sentences = [
        f"Bapak/Ibu dapat {vp} melalui "
        + (
            rng.choice(("Coretax", "kantor pajak terdaftar", "laman pajak.go.id"))
            if desk == "djp"
            else rng.choice(
                ("kantor Samsat", "Samsat keliling", "aplikasi Sambara", "gerai Samsat")
            )
        )
        + ".",
        f"Dokumen yang perlu disiapkan: {docs}.",
        f"Proses ini biasanya selesai dalam {rng.choice((1, 2, 3, 5, 7, 14))} hari kerja"
        + (f" {loc}" if loc else "")
        + ".",
        "Biaya mengikuti ketentuan yang berlaku, misalnya "
        f"Rp{rng.choice((25, 50, 100, 150, 250))}.000 untuk penerbitan dokumen.",
        f"Apabila ada kendala, silakan menghubungi {_CONTACT[desk]}.",
        "Petugas akan memeriksa kelengkapan berkas sebelum permohonan diproses.",
        f"Ketentuan ini berlaku sejak tahun {rng.choice(range(2019, 2026))}.",
    ]
    keep = [sentences[0], *rng.sample(sentences[1:], rng.randint(1, 4))]
    return " ".join(keep)


def synthetic_article(i: int, *, seed: int = 0) -> Article:
    """Article number ``i`` of the synthetic KB with ``seed``."""
    rng = random.Random(f"sigap-synthetic:{seed}:{i}")
    codes = load_codes()
    category = rng.choice(codes.kb_topics)
    desk = codes.topic_desk[category]
    vp_template, variants = rng.choice(_TOPICS[category])
    # One seeded set of fillers per article, shared by title, questions and answer.
    fill_seed = rng.random()
    vp = _fill(vp_template, random.Random(fill_seed), slang=False)
    # A region (Samsat) or a tax office (DJP) on some articles, as regional
    # variants of one answer are common in real KBs.
    loc = ""
    if rng.random() < 0.4:
        place = rng.choice(_LOC)[0]
        loc = place if desk == "samsat" else place.replace("di ", "di KPP Pratama ", 1)
    title = rng.choice(_TITLE_FORMS).format(
        vp=vp + (f" {loc}" if loc and " di " not in f" {vp} " else "")
    )
    title = title[0].upper() + title[1:]
    n_q = rng.randint(4, 6)
    questions: list[str] = []
    pool = [_fill(v, random.Random(fill_seed), slang=True) for v in variants]
    pool.append(_fill(vp_template, random.Random(fill_seed), slang=True))
    attempts = 0
    while len(questions) < n_q and attempts < 40:
        attempts += 1
        q = _agentify(rng.choice(pool), rng, f"{seed}:{i}:{attempts}")
        if q not in questions:
            questions.append(q)
    while len(questions) < n_q:
        questions.append(f"{pool[0]} {len(questions)}")
    keywords = sorted({w.lower() for w in " ".join(pool).split() if len(w) > 3})[:5]
    law = _DJP_LAW if desk == "djp" else _SAMSAT_LAW
    return Article(
        id=f"syn-{category.lower()}-{i:06d}",
        desk=desk,
        category=category,
        title=title,
        questions=tuple(questions),
        answer=_answer(vp, desk, rng, loc),
        legal_basis=tuple(rng.sample(law, rng.randint(0, 2))),
        requires_validation=rng.random() < 0.1,
        keywords=tuple(keywords),
        region=loc.removeprefix("di ").removeprefix("KPP Pratama ") or None,
        verified_on=dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(300)),
    )


def generate_kb(n_articles: int, *, seed: int = 0) -> list[Article]:
    """``n_articles`` synthetic articles; the first ``m`` of any larger KB with
    the same seed are the ``m``-article KB.

    Raises:
        ValueError: a negative size.
    """
    if n_articles < 0:
        raise ValueError("n_articles must not be negative")
    return [synthetic_article(i, seed=seed) for i in range(n_articles)]


def synthetic_queries(n: int, *, seed: int = 0) -> list[str]:
    """``n`` agent-typed queries over the same topics (for latency runs)."""
    rng = random.Random(f"sigap-synthetic-queries:{seed}")
    categories = list(_TOPICS)
    out = []
    for j in range(n):
        category = rng.choice(categories)
        vp_template, variants = rng.choice(_TOPICS[category])
        text = _fill(rng.choice([*variants, vp_template]), rng, slang=True)
        out.append(_agentify(text, rng, f"q{seed}:{j}"))
    return out
