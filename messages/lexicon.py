"""Understand what people write: per-language cue lists mapped to intents.

A message is folded (case, diacritics, Arabic-script letter variants), cut into words, and
matched against cues from all eight languages at once (people mix languages, and the
language set on their profile says little about how they type). Cues are single words or
short phrases; a word ending in `*` matches any word that starts that way, which covers the
suffixes of Turkish, Somali, Farsi and Ukrainian. Negations flip what follows ("ikke syg",
"not sick") or what precedes them ("hasta değilim", "bimar nahi"). Commands (STOP, START,
HELP, LANGUAGE) act on the whole account, so they count only as the whole message.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache


class Intent(StrEnum):
    """What a free-text message asks for."""

    SICK = "sick"
    CHILD_SICK = "child_sick"
    RECOVERED = "recovered"
    AWAKE = "awake"
    LATE = "late"
    CANNOT_ATTEND = "cannot_attend"
    HELP = "help"
    STOP = "stop"
    START = "start"
    LANGUAGE = "language"
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Cue(StrEnum):
    """What one word or phrase contributes to the intent of a message."""

    SICK = "sick"
    WAS_SICK = "was_sick"  # past illness: counts only when nothing else is said
    CHILD = "child"  # turns a sick message into a child-sick one
    RECOVERED = "recovered"
    BACK = "back"  # weak "recovered" (back, tilbage): loses to any sick word
    AWAKE = "awake"
    LATE = "late"
    ABSENT = "absent"  # cannot attend
    COME = "come"  # a verb of coming to work: negated, it means cannot attend
    NOT = "not"  # negates the cue that follows
    NOT_AFTER = "not_after"  # negates the cue before it (Turkish, Urdu, Farsi word order)
    HELP = "help"
    LANGUAGE = "language"
    YES = "yes"
    NO = "no"
    IDIOM = "idiom"  # a set phrase that only looks like a cue: "det gør mig ondt" is "sorry"


# Commands act on the whole account, so they must be the whole message (no fuzzy matching):
# "I can't stop coughing" must never opt anybody out. The catalogs tell people to type
# STOP and START in Latin letters in every language, and the HELP word of their language.
COMMANDS: dict[Intent, frozenset[str]] = {
    Intent.STOP: frozenset(
        {"stop", "stopp", "afmeld", "frameld", "unsubscribe", "dur", "durdur", "iptal", "стоп"}
    ),
    Intent.START: frozenset({"start", "tilmeld", "basla", "başla", "subscribe", "unstop", "старт"}),
    Intent.HELP: frozenset(
        {
            *("help", "hjaelp", "hjalp", "hjælp", "menu", "info", "?", "hilfe"),
            *("yardim", "yardım", "مساعدة", "مساعده", "musaada", "mosaada"),
            *("caawi", "caawimaad", "مدد", "madad", "ДОПОМОГА", "допомога", "dopomoga"),
            *("dopomoha", "کمک", "komak"),
        }
    ),
    Intent.LANGUAGE: frozenset(
        {
            *("language", "sprog", "dil", "lang", "sprache", "languages", "sprak", "sprog?"),
            *("لغة", "اللغة", "لغه", "lugha", "luga", "luqad", "luqadda", "luuqad"),
            *("luuqadda", "زبان", "zaban", "zuban", "zubaan", "мова", "мову", "mova"),
        }
    ),
}

# Cues per language, comma-separated. Every language's list is used for every message.
LEXICON: dict[str, dict[Cue, str]] = {
    "da": {
        Cue.SICK: """syg*, sgy, syk, sygg, feber, influenza, influensa, forkølet, forkølelse,
            ondt, kaster op, kaster, kastet op, opkast, hovedpine, mavepine, migræne, diarre,
            roskilde syge, covid, corona, skadestue*, hospital*, sygehus*, dårlig, har det skidt,
            har det dårligt, ikke godt, har det ikke godt, ikke så godt, utilpas""",
        Cue.WAS_SICK: "var syg, været syg, har været syg",
        Cue.CHILD: """barn, barnet, børn, børnene, søn, sønnen, datter, datteren, baby, babyen,
            lille pige, lille dreng, min dreng, min pige""",
        Cue.RECOVERED: """rask*, frisk, friskere, bedre, har det godt, er ok igen, ok igen,
            på arbejde igen, kommer på arbejde i morgen, kan godt komme, kan komme i morgen""",
        Cue.BACK: "er tilbage, tilbage på arbejde, kommer i morgen",
        Cue.AWAKE: "vågen, vaagen, vagen, vågnet, vaagnet, vagnet, er oppe, står op, stået op",
        Cue.LATE: """for sent, forsent, forsinket, forsinkelse, kommer senere, lidt senere,
            kommer lidt sent, kommer sent, min senere, minutter senere, bliver sent,
            bliver lidt sent, sent på den, lidt sent""",
        Cue.ABSENT: """bliver hjemme, blive hjemme, holder fri, fri i dag, fravær, tandlæge*,
            kan ikke komme, kan ikke møde, kommer ikke, møder ikke, kan ik komme""",
        Cue.COME: "komme, kommer, møde, møder, arbejde, nå det, møde op, møde ind",
        Cue.NOT: "ikke, ik, ikk, ike, aldrig",
        Cue.NOT_AFTER: "ikke, ik",
        Cue.HELP: "hjælp, hjælpe, hjælp mig, brug for hjælp",
        Cue.LANGUAGE: "sprog, skifte sprog, skift sprog, andet sprog",
        Cue.YES: "ja, jo, jep, jeps, jaa, ok, okay, oki, okej, klart, fint, selvfølgelig",
        Cue.NO: "nej, nej tak, næ, nope, nix",
        Cue.IDIOM: "gør mig ondt, gør mig så ondt, ondt af",
    },
    "en": {
        Cue.SICK: """sick, sik, seek, sck, sickness, illness, unwell, fever, flu, the flu,
            vomit*, throwing up, threw up, throw up, puking, puke, headache, migraine,
            stomach ache, stomachache, sore throat, diarrhea, diarrhoea, covid, corona,
            hospital, am ill, im ill, is ill, feel ill, feeling ill, got ill, very ill, so ill,
            fell ill, quite ill, feel sick, feeling sick, not well, not feeling well,
            dont feel well, do not feel well, not feel good, dont feel good, feel bad,
            feeling bad, feel terrible, have a cold, got a cold, food poisoning, emergency room""",
        Cue.WAS_SICK: "was sick, been sick, was ill, been ill",
        Cue.CHILD: """child, childs, kid, kids, children, son, daughter, baby, toddler, boy,
            my girl, little one""",
        Cue.RECOVERED: """no fever, no longer sick, better, recovered, recover, healthy,
            well again, feel fine, feeling fine, im fine, i am fine, im ok now, im okay now,
            im good now, feeling good,
            feel good, im good, feel well, feeling well, back to work, back at work,
            fit for work, healed, all good now""",
        Cue.BACK: "im back, i am back, back tomorrow, coming in tomorrow, see you tomorrow",
        Cue.AWAKE: """awake, im up, i am up, am up, woke up, got up, up now, up and ready,
            im awake, wide awake, out of bed, up already""",
        Cue.LATE: """late, running late, delayed, delay, bit late, little late, be late, later
            than, stuck in traffic, missed the bus, missed my bus, missed the train""",
        Cue.ABSENT: """stay home, staying home, stay at home, day off, cant make it,
            cannot make it, wont make it, not make it, cant come, cannot come, not coming,
            wont come, wont be in, cant work, cannot work, not be there, wont be there""",
        Cue.COME: "come, coming, come in, make it, be in, work, be there, attend",
        Cue.NOT: """not, dont, cant, cannot, wont, isnt, arent, aint, never, no longer,
            no more, couldnt, didnt, wasnt, not really, no longer feel""",
        Cue.HELP: "help, help me, need help, helpp, what can i write",
        Cue.LANGUAGE: "language, change language, another language, other language",
        Cue.YES: "yes, yeah, yep, yup, ya, ok, okay, k, sure, of course, correct",
        Cue.NO: "no, nope, nah, no thanks",
        Cue.IDIOM: "sick of, sick and tired",
    },
    "tr": {
        Cue.SICK: """hasta*, hastalan*, rahatsiz*, rahatsız*, ateş*, atesim, grip*, gribim,
            nezle*, kusuyor*, kustum, kusma*, ishal*, midem bulan*, başım ağrıyor,
            bas agrisi, baş ağrısı, ağrım var, agri*, ağrı*, iyi değilim, iyi hissetmiyorum,
            kendimi iyi hissetmiyorum, kötüyüm, kotuyum, rapor aldım, raporlu*, hastane*,
            acil*, korona""",
        Cue.WAS_SICK: "hastaydım, hastaydim, hasta idim",
        Cue.CHILD: """çocuk*, cocu*, çocuğ*, oğlum*, oglum*, oğlu, kızım*, kizim*, bebek*,
            bebeğ*, bebeg*, yavrum""",
        Cue.RECOVERED: """iyiyim, iyilestim, iyileştim, iyileş*, iyiles*, düzeldim, duzeldim,
            geçti, gecti, sağlıklıyım, saglikliyim, daha iyiyim, iyi hissediyorum,
            işe dönüyorum, ise donuyorum, işe geliyorum, ise geliyorum, dondum, döndüm""",
        Cue.AWAKE: "uyandım, uyandim, uyanığım, uyanigim, uyanık*, uyanik*, kalktım, kalktim",
        Cue.LATE: "geç, gec, geç kal*, gec kal*, gecik*, geciktim, biraz geç, gec kalicam",
        Cue.ABSENT: """gelemem, gelemiyorum, gelemeyeceğim, gelemeyecegim, gelemeyece*, gelemi*,
            gelemey*, gelmeyece*, gelmiycem, gelmicem, gelmiyorum, gelemicem, gelemiycem,
            gidemem, gidemiyorum, gidemeye*, gidemi*, işe gidemem, izin*, katılamam,
            katilamam, evdeyim bugün""",
        Cue.COME: "geliyorum, gelirim, geleceğim, gelicem, gelcem, gidiyorum, giderim",
        Cue.NOT_AFTER: "değil*, degil*, yok",
        Cue.HELP: "yardım, yardim, yardım et, yardim lazim, yardım lazım, yardıma ihtiyacım",
        Cue.LANGUAGE: "dil, dili değiştir, dil değiştir, dili degistir, dil degistir",
        Cue.YES: "evet, tamam, tamamdir, tamamdır, olur, peki, tabi, tabii, aynen",
        Cue.NO: "hayır, hayir, yok, olmaz, istemiyorum",
    },
    "ar": {
        Cue.SICK: """مريض*, مرضت, مرض, تعبان*, تعبانة, عيان*, عندي حمى, حمى, حراره*, حرارة,
            سخونه*, سخونة, صداع, استفراغ, ترجيع, اسهال, انفلونزا, زكام, رشح, كورونا,
            مستشفى, المستشفى, بالمستشفى, مو زين, مش كويس, مش منيح, marid*, mareed*, mared,
            mariid, maridh, ta3ban*, taaban, tabaan, t3ban, 3ayan, 3yan, 3ayyan, ayyan,
            mosh kwayes, mish kwayes, msh kwyes, mish mni7, mesh kwayes, harara, 7arara,
            skhoneh, s5oneh, sukhuna, sokhna, sda3, suda3, mustashfa""",
        Cue.WAS_SICK: "كنت مريض, كنت مريضه, kunt marid, kont mareed, kunt ta3ban",
        Cue.CHILD: """ابني, ابنى, ابنتي, بنتي, ولدي, اولادي, اطفالي, طفلي, طفلتي, الطفل,
            الولد, البنت, بنوتي, ابن, ibni, ebni, ibny, ebny, ibn, binti, benti, bnti,
            bntii, binty, waladi, walady, weldi, wladi, awladi, ibnati, tifli, 6ifli,
            atfali, ولد, بنت""",
        Cue.RECOVERED: """تعافيت, شفيت, الحمد لله احسن, احسن, انا احسن, بخير, انا بخير, كويس,
            انا كويس, منيح, انا منيح, صرت احسن, صرت منيح, تحسنت, رجعت للشغل, رجعت للعمل,
            ta3afait, taafait, t3afait, ta3afet, ta3afeet, tafait, ahsan, a7san, bikhair,
            bkhair, bi5eir, kwayes, kwayyis, kwyes, mni7, mnih, t7assant, tahassant,
            shfeet, shifeet""",
        Cue.BACK: "رجعت, rj3t, rage3, raje3",
        Cue.AWAKE: """صحيت, صاحي, صاحيه, استيقظت, قمت من النوم, فقت, sa7eet, sahit, saheet,
            sa7et, sa7i, sahi, so7eet, feqt, fe2t, istayqazt""",
        Cue.LATE: """متاخر*, *تاخر*, تأخير, تاخير, mt2akher, mt2akhr, mit2akhir, mut2akher,
            m2akhar, mta5er, mt2a5er, mt2a5r, ta2akhart, t2akhart, hat2akhar, 7at2akhar,
            bt2akhar, ra7 at2akhar, muta2akhir, mitakhar, metakhar, ta5eer, ta2kheer""",
        Cue.ABSENT: """ما بقدر اجي, ما اقدر اجي, مش هقدر اجي, مش حقدر اجي, ما راح اجي,
            ما رح اجي, مش رح اجي, مش جاي, مو جاي, ما راح احضر, لن احضر, لن اتي, مش هاجي,
            لا استطيع الحضور, لا استطيع المجيء, اجازه, اجازة, ma ba2dar aji, ma a2dar aji,
            ma agdar aji, mish ha2dar aagi, msh ha2dar agi, mesh ha2dar aagi, mish gai,
            msh gay, mo jay, ma ra7 aji, msh ra7 aji, mish ra7 aji, mish hagi, msh hagy""",
        Cue.COME: "اجي, اجيء, احضر, اداوم, اشتغل, الحضور, aji, aagi, agi, ajy, aaji",
        Cue.NOT: "مش, مو, ما, لست, ليس, لم, لن, مب, mish, mesh, msh, mush, mosh, mo",
        Cue.HELP: "ساعدني, مساعده, مساعدة, sa3edni, sa3idni, saedni, musa3ada, mosa3da",
        Cue.LANGUAGE: "لغه, اللغه, غير اللغه, تغيير اللغه, lugha, lo3'a",
        Cue.YES: """نعم, ايوه, ايوا, اي, اه, اكيد, تمام, طيب, ماشي, حاضر, na3am, naam, aywa,
            aiwa, aywah, akid, akeed, tayeb, mashi, tamam""",
        Cue.NO: "لا, لاء, لا شكرا, la, laa, la2, no",
    },
    "so": {
        Cue.SICK: """buka, bukaa, bukaan, bukta, bukto, bukoodey, bukooday, bukoonaa, bukni,
            bugaa, jiran*, jirran*, xanuun*, hanuun*, qandh*, hargab*, ifilo, matag*, shuban,
            isbitaal*, cisbitaal*, caafimaad darro, kuma fiicni, ma fiicni, ma fiicna,
            madax xanuun, calool xanuun""",
        Cue.WAS_SICK: "waan bukay, bukay",
        Cue.CHILD: """ilmo, ilmaha, ilmah*, ilmahay*, ilmahey*, ilmaheyga, cunug*, canug*,
            wiilka, wiilk*, wiil, gabadh*, inanta, inant*, caruur*, carruur*, ubad*""",
        Cue.RECOVERED: """bogsaday, bogsad*, ka bogsaday, fiicanahay, fiicnahay, fiicnaaday,
            fiicnaday, waan fiicanahay, caafimaad qabaa, caafimaad baan qabaa, caafimaadsan,
            ladnahay, waan ladnahay, roonahay, waan roonahay, bogsoo, ma bukni, ma bukno,
            ma xanuunsani, ma xanuunsana, hadda ma bukni""",
        Cue.BACK: "soo laabtay, laabtay, laabanayaa, caafimaad, fiican",
        Cue.AWAKE: "toosay, soo toosay, toosnahay, soo jeedaa, soo jeeda, waan soo jeedaa",
        Cue.LATE: "daah*, dib u dhac, soo daahi, waan soo daahayaa, habsaan*",
        Cue.ABSENT: """imaan maayo, iman maayo, imanmaayo, imaanmaayo, ma imaan karo,
            ma iman karo, ma imaanayo, ma imanayo, ma imaan doono, ma tagi karo, ma tegi karo,
            shaqada ma imaan""",
        Cue.COME: "imaan, iman, imanayo, imaanayo, tagi, tegi",
        Cue.NOT_AFTER: "maayo",
        Cue.HELP: "caawi, i caawi, caawimaad, gargaar, caawin",
        Cue.LANGUAGE: "luqad*, luuqad*",
        Cue.YES: "haa, haye, hay, haah, waa hagaag, hagaag, waa yahay, waayahay, ok",
        Cue.NO: "maya, mayo, maya mahadsanid",
    },
    "ur": {
        Cue.SICK: """بیمار*, بيمار*, بخار, طبیعت خراب, طبيعت خراب, سر درد, سردرد, درد, الٹی,
            الٹياں, زکام, نزلہ, ہسپتال*, bimar*, beemar*, bemar*, bimaar*, bemaar*,
            bimmar*, bukhar*, bukhaar*, bokhar*, tabiyat kharab, tabiat kharab,
            tabeeyat kharab, tabiyet kharab, tabyat kharab, tabiat theek nahi,
            tabiyat theek nahi, theek nahi, thik nahi, theek nahin, sar dard, sir dard,
            sardard, pait dard, pet dard, dard, ulti*, zukam, nazla, hospital mein""",
        Cue.WAS_SICK: "bimar tha, bimar thi, بیمار تھا, بیمار تھی",
        Cue.CHILD: """بچہ, بچے, بچی, بچوں, بیٹا, بیٹی, بيٹا, بيٹي, bacha, bachaa, bachay, bache,
            bachi, bachcha, bachche, bachchi, bachha, bachhe, bacche, bacchi, bachon,
            bachy, beta, beti, bety, mera beta, meri beti""",
        Cue.RECOVERED: """ٹھیک, ٹهيك, ٹھیک ہوں, ٹھیک ہو گیا, بہتر, صحت یاب, theek, thik, theek,
            theek hoon, theek hun, thik hu, thik hoon, theek ho gaya, theek ho gayi,
            theek hogaya, theek hogayi, thik ho gaya, thik ho gai, ab theek, ab thik,
            behtar, behter, sehatyab, sehat yab, sehatmand""",
        Cue.BACK: "wapas, wapis, واپس",
        Cue.AWAKE: """jaag gaya, jaag gayi, jaag gya, jaag gyi, jag gaya, jag gayi, jag gya,
            jag gyi, jaag raha, jaag rahi, jaga hua, jagi hui, jaag, uth gaya, uth gayi,
            uth gya, uth gyi, utth gaya, utth gayi, uth gaya hoon, جاگ گیا, جاگ گئی, اٹھ گیا,
            اٹھ گئی, جاگ, bedaar, bedar""",
        Cue.LATE: """der ho, der hogi, der ho jayegi, der ho jaye gi, der se, thori der,
            thodi der, der hojayegi, der ho gayi, late ho, late hojaunga, late ho jaunga,
            late ho jaungi, دیر, دير""",
        Cue.ABSENT: """nahi aa sakta, nahi aa sakti, nahi aa sakunga, nahi aa sakungi,
            nahi aa paunga, nahi aaunga, nahi aaungi, nahi aunga, nahi aungi, nahin aa sakta,
            nahin aa sakti, nahin aaunga, nai aa sakta, nai aaunga, nhi aa sakta, nhi aunga,
            chutti, chhutti, چھٹی""",
        Cue.COME: """aa, aaunga, aaungi, aunga, aungi, aa sakta, aa sakti, آ, آؤں, آؤنگا,
            آؤں گا, آ سکتا, آ سکتی""",
        Cue.NOT_AFTER: "nahi, nahin, nai, nhi, nahee, نہیں, نهيں, نئیں",
        Cue.HELP: "madad, madad chahiye, help chahiye, مدد, مدد چاہیے",
        Cue.LANGUAGE: "zaban, zuban, zubaan, زبان, zaban badlo, zubaan badlo",
        Cue.YES: "haan, haan ji, ji haan, jee haan, ji, jee, haanji, hanji, ہاں, جی, theek hai",
        Cue.NO: "nahi, nahin, nai, nhi, نہیں, na ji, nahi ji",
    },
    "uk": {
        Cue.SICK: """хвор*, захвор*, занедуж*, нездужа*, нездоров*, погано, мені погано,
            погано себе почуваю, температур*, грип*, застуд*, нудить, блюю, блюв*, болить,
            болю, болію, болію, болен, больна, боле*, заболе*, лікарнян*, лікарн*,
            khvor*, hvora, hvoryi, hvoryy, hvoriy, hvoriu, hvoriyu, zakhvor*, zahvor*,
            temperatur*, pogano, meni pogano, likarnian*, likarnyan*""",
        Cue.WAS_SICK: "хворів, хворіла, був хворий, була хвора",
        Cue.CHILD: """дитина, дитини, дитину, дитиною, дитя, діти, дітей, дитячий, син, сина,
            сином, синок, синочок, донька, доньки, доня, дочка, дочки, донечка, малюк, малий,
            dytyna, ditina, dityna, dytyny, syn, synok, donka, donya, dochka""",
        Cue.RECOVERED: """одужав, одужала, одуж*, видужав, видужала, видуж*, здоровий, здорова,
            краще, мені краще, вже краще, все добре, вже добре, я в порядку, в нормі,
            повернувся, повернулася, повертаюсь на роботу, ne khvor*, ne hvor*, oduzhav,
            oduzhala, oduzh*, odujav, odujala, oduzav, oduzala, zdorovyi, zdorovyy, zdorova,
            krashche, krashe""",
        Cue.BACK: "вийду на роботу, завтра на роботу, vyidu na robotu",
        Cue.AWAKE: """прокинувся, прокинулась, прокинулася, прокин*, не сплю, встав, встала,
            вже встав, вже встала, на ногах, prokynuvsia, prokynuvsya, prokinuvsya,
            prokyn*, prokin*, ne spliu, ne splyu""",
        Cue.LATE: """запізн*, спізн*, запозда*, опозда*, затрима*, затриму*, zapizn*, spizn*,
            zatrymu*""",
        Cue.ABSENT: """не можу прийти, не прийду, не зможу прийти, не зможу, мене не буде,
            не буду на роботі, не вийду, ne mozhu pryity, ne mozhu pryjty, ne mozhu pryiti,
            ne pryidu, ne pryjdu, ne pridu, mene ne bude, vidgul, відгул""",
        Cue.COME: "прийти, прийду, вийти, вийду, бути, буде, буду, pryity, pryidu",
        Cue.NOT: "не, вже не, vzhe ne, uzhe ne, уже не",
        Cue.HELP: "допомога, допоможіть, допоможи, допомогу, dopomoga, dopomoha, dopomozhit",
        Cue.LANGUAGE: "мова, мову, змінити мову, інша мова, mova, zminyty movu",
        Cue.YES: "так, ага, да, звісно, добре, гаразд, окей, tak tak, aga, harazd",
        Cue.NO: "ні, нi, нет, нема, ne treba, не треба",
    },
    "fa": {
        Cue.SICK: """بیمار*, بيمار*, مریض*, مريض*, مریضم, سرما خوردم, سرماخوردگی, تب, تب دارم,
            حالم بده, حالم خوب نیست, حالم خوب نيست, خوب نیستم, سردرد, سر درد, دل درد, دلدرد,
            استفراغ, کرونا, كرونا, بیمارستان, mariz*, mareez*, bimaram, bimar hastam,
            sarma khordam, sarmakhordam, sarma khordeh, tab daram, tab kardam, tab dare,
            halam bade, halam bad e, haalam bade, halam khoob nist, halam khub nist,
            khoob nistam, khub nistam, sardard, sar dard, del dard, deldard, estefragh""",
        Cue.WAS_SICK: "mariz budam, bimar budam, مریض بودم, بیمار بودم",
        Cue.CHILD: """بچه, بچم, بچه ام, بچه‌ام, بچه‌ام, بچه ها, پسرم, دخترم, فرزندم, بچهام,
            bacheh, bache, bachem, bacham, bachcham, bachehaam, bachehaye, bachehām,
            bachehamun, pesaram, pesaram, pesaret, dokhtaram, dokhtaret, farzandam""",
        Cue.RECOVERED: """خوبم, خوب شدم, بهترم, بهتر شدم, حالم خوبه, حالم بهتره, سالمم,
            برگشتم سر کار, khoobam, khubam, khobam, khoob shodam, khub shodam, behtaram,
            behtar shodam, halam khoobe, halam khube, halam behtare, salemam, salamatam""",
        Cue.BACK: "برگشتم, bargashtam",
        Cue.AWAKE: """بیدارم, بیدار شدم, بيدار*, پا شدم, bidaram, bidar shodam, bidar*,
            pa shodam, paa shodam""",
        Cue.LATE: """دیر میرسم, دير, دیر, تاخیر, تاخير, dir miresam, dir mirasam, dir miram,
            dir mikonam, dir kardam, dir shode, dir shod, dir mishe, kami dir, ye kam dir,
            takhir, ta2khir, ba takhir""",
        Cue.ABSENT: """نمیام, نمیایم, نمی‌آیم, نميام, نمیتونم بیام, نمی‌توانم بیایم,
            نمی‌تونم بیام, nemiam, nemiyam, nemitoonam biam, nemitunam biam,
            nemitoonam biyam, nemitavanam biayam, nemitonam biam, morakhasi, مرخصی""",
        Cue.COME: "biam, biyam, beyam, biayam, بیام, بیایم, برم, beram",
        Cue.NOT: "نمیتونم, نمی‌تونم, نمیتوانم, nemitoonam, nemitunam, nemitavanam, nemitonam",
        Cue.NOT_AFTER: "نیستم, نیست, نيستم, نيست, ندارم, nistam, nist, nadaram",
        Cue.HELP: "کمک, کمک کنید, کمک لازم دارم, komak, komak konid, komak lazem daram",
        Cue.LANGUAGE: "زبان, تغییر زبان, zaban, avaz kardan zaban",
        Cue.YES: "بله, آره, اره, باشه, حتما, bale, baleh, areh, aareh, bashe, hatman, ok",
        Cue.NO: "نه, خیر, نخیر, na, nah, nakheir",
        Cue.IDIOM: """دستت درد نکنه, دست شما درد نکنه, دستتون درد نکنه, dastet dard nakone,
            dastet dard nakoneh, dast shoma dard nakone, dastetoon dard nakone""",
    },
}

EMOJI: dict[Cue, str] = {
    Cue.SICK: "🤒, 🤢, 🤮, 🤧, 😷, 🤕, 🥵, 🥶, 🌡",
    Cue.CHILD: "👶, 🧒, 👧, 👦",
    Cue.RECOVERED: "💪",
    Cue.AWAKE: "⏰, 🌞",
    Cue.LATE: "🏃, ⌛, ⏳",
    Cue.YES: "👍, ✅, 👌, ✔",
    Cue.NO: "👎, ❌, ✖",
}

# Real words one letter away from a cue: never "corrected" into it.
NOT_TYPOS = frozenset(
    {"beder", "later", "lately", "madrid", "better", "letter", "never", "fewer", "aware"}
)

_SEPARATORS = frozenset(".,;:!?¿؟،؛()[]/-–—…")
_TARGETS = frozenset(
    {Cue.SICK, Cue.RECOVERED, Cue.BACK, Cue.AWAKE, Cue.LATE, Cue.ABSENT, Cue.COME, Cue.HELP}
)
_WINDOW = 2  # words allowed between a negation and what it negates
_ANSWER_WORDS = 2  # yes/no count among the first words only: "la" deep in Somali is not "no"
_CACHE_SIZE = 8192

# Arabic-script letters written in several ways, and digits, mapped to one form each.
_SCRIPT_FOLD = str.maketrans(
    {
        "ى": "ي",
        "ی": "ي",
        "ے": "ي",
        "ة": "ه",
        "ۃ": "ه",
        "ہ": "ه",
        "ھ": "ه",
        "ە": "ه",
        "ک": "ك",
        "ٱ": "ا",
        "ـ": None,  # tatweel
        "\u200c": None,  # zero-width non-joiner (Farsi "می‌")
        "\u200d": None,
        "\u200e": None,
        "\u200f": None,
        "\ufeff": None,
        "\ufe0f": None,  # emoji variation selectors
        "\ufe0e": None,
        "'": None,  # can't -> cant, I'm -> im, здоров'я -> здоровя
        "’": None,
        "‘": None,
        "ʼ": None,
        "`": None,
        "´": None,
        "ı": "i",
        "æ": "ae",
        "ø": "o",
        "å": "aa",
        "і": "и",  # Ukrainian and Russian keyboards
        "є": "е",
        "ґ": "г",
        "ё": "е",
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Persian digits
    }
)
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")
_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)
_LATIN_OR_CYRILLIC = re.compile(r"[a-z0-9]+|[а-я0-9]+")


def fold(text: str) -> str:
    """One spelling per word: case, diacritics, tashkeel, letter variants, stretched letters."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_SCRIPT_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.translate(_SCRIPT_FOLD)
    return _REPEATS.sub(r"\1", stripped)


def tokens(text: str) -> list[str]:
    """Words and single symbols (emoji survive as their own tokens)."""
    return _TOKEN.findall(fold(text))


@dataclass(frozen=True)
class _Entry:
    """One cue: its folded words (a word ending in "*" is a prefix) and what it signals."""

    words: tuple[str, ...]
    cues: frozenset[Cue]


@dataclass(frozen=True)
class _Hit:
    """Where a cue was found among the words of a message."""

    start: int
    end: int
    clause: int
    ordinal: int  # how many words (not symbols) come before it
    cues: frozenset[Cue]


def _entries(text: str) -> Iterable[str]:
    """The comma-separated entries of one cue list."""
    return (entry.strip() for entry in text.split(",") if entry.strip())


def _compile(
    tables: Iterable[Mapping[Cue, str]],
) -> tuple[dict[str, list[_Entry]], dict[str, list[_Entry]]]:
    """Index cues by their first word: exact words and prefixes apart."""
    by_words: dict[tuple[str, ...], set[Cue]] = {}
    for table in tables:
        for cue, text in table.items():
            for entry in _entries(text):
                key = tuple(_fold_word(w) for w in entry.split())
                by_words.setdefault(key, set()).add(cue)
    exact: dict[str, list[_Entry]] = {}
    prefix: dict[str, list[_Entry]] = {}
    for words, cues in by_words.items():
        item = _Entry(words, frozenset(cues))
        first = words[0]
        if first.endswith("*") and first.startswith("*"):
            prefix.setdefault("*" + first.strip("*"), []).append(item)
        elif first.endswith("*"):
            prefix.setdefault(first[:-1], []).append(item)
        else:
            exact.setdefault(first, []).append(item)
    for found in (*exact.values(), *prefix.values()):
        found.sort(key=lambda e: -len(e.words))
    return exact, prefix


def _fold_word(word: str) -> str:
    """A cue word folded like message text, keeping its prefix marks."""
    star_end = "*" if word.endswith("*") else ""
    star_start = "*" if word.startswith("*") and len(word) > 1 else ""
    return star_start + fold(word.strip("*")) + star_end


_EXACT, _PREFIX = _compile([*LEXICON.values(), EMOJI])
_INFIXES = tuple(key[1:] for key in _PREFIX if key.startswith("*"))
_COMMANDS = {intent: frozenset(fold(w) for w in words) for intent, words in COMMANDS.items()}
_NOT_TYPOS = frozenset(fold(w) for w in NOT_TYPOS)


def _deletions(word: str) -> set[str]:
    """The word with any one letter left out."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _typo_index(words: Iterable[str]) -> dict[str, frozenset[str]]:
    """Map each word, and each one-letter deletion of it, to the vocabulary words it came from."""
    index: dict[str, set[str]] = {}
    for word in words:
        if len(word) < 4 or not _LATIN_OR_CYRILLIC.fullmatch(word):
            continue
        for variant in {word, *_deletions(word)}:
            index.setdefault(variant, set()).add(word)
    return {key: frozenset(value) for key, value in index.items()}


# Negations hang on one letter ("geliyorum" / "gelmiyorum"): never guess one.
_VOCABULARY = frozenset(
    w
    for entries in _EXACT.values()
    for e in entries
    if not e.cues & {Cue.ABSENT, Cue.NOT, Cue.NOT_AFTER}
    for w in e.words
    if not w.endswith("*")
)
_TYPOS = _typo_index(_VOCABULARY)


def _is_typo(token: str, word: str) -> bool:
    """A small slip: same first letter (or swapped first two), one letter off, long enough."""
    if token[0] != word[0] and token[:2] != word[1::-1]:
        return False
    short, long_ = sorted((len(token), len(word)))
    if short != long_:
        return short >= 5  # one letter missing or extra
    differ = [i for i, (a, b) in enumerate(zip(token, word, strict=True)) if a != b]
    if len(differ) == 2 and differ[1] == differ[0] + 1:  # two neighbours swapped
        return token[differ[0]] == word[differ[1]] and token[differ[1]] == word[differ[0]]
    return len(differ) == 1 and short >= 7  # one letter wrong


@lru_cache(maxsize=_CACHE_SIZE)
def _normal(token: str) -> str:
    """The token, or the vocabulary word it is a small typo of."""
    if token in _EXACT or token in _NOT_TYPOS or len(token) < 4:
        return token
    if any(token[:n] in _PREFIX for n in range(2, len(token) + 1)):
        return token
    if not _LATIN_OR_CYRILLIC.fullmatch(token):
        return token
    candidates: set[str] = set(_TYPOS.get(token, ()))
    for variant in _deletions(token):
        candidates.update(_TYPOS.get(variant, ()))
    matches = sorted(w for w in candidates if _is_typo(token, w))
    return matches[0] if matches else token


def _word_matches(token: str, word: str) -> bool:
    """Whether a message word fits a cue word (exact, prefix, or infix)."""
    if word.startswith("*") and word.endswith("*") and len(word) > 1:
        return word[1:-1] in token
    if word.endswith("*"):
        return token.startswith(word[:-1])
    return token == word


def _candidates(token: str) -> list[_Entry]:
    """Cues whose first word can match this token, longest first."""
    found = list(_EXACT.get(token, ()))
    for n in range(2, len(token) + 1):
        found.extend(_PREFIX.get(token[:n], ()))
    for infix in _INFIXES:
        if infix in token:
            found.extend(_PREFIX["*" + infix])
    return found


def _hits(words: list[str]) -> list[_Hit]:
    """Cues found in the message, reading left to right and taking the longest at each word."""
    hits: list[_Hit] = []
    clause = 0
    index = 0
    ordinal = 0
    while index < len(words):
        token = words[index]
        if token in _SEPARATORS:
            clause += 1
            index += 1
            continue
        best = 0
        cues: set[Cue] = set()
        for entry in _candidates(token):
            size = len(entry.words)
            if size < best or index + size > len(words):
                continue
            if all(_word_matches(words[index + k], entry.words[k]) for k in range(1, size)):
                if size > best:
                    best, cues = size, set()
                cues |= entry.cues
        if best:
            hits.append(_Hit(index, index + best, clause, ordinal, frozenset(cues)))
        step = best or 1
        ordinal += step
        index += step
    return hits


def _negated(hits: list[_Hit]) -> set[int]:
    """Indexes of hits that a negation turns around, each negation used once."""
    negated: set[int] = set()
    targets = [i for i, h in enumerate(hits) if h.cues & _TARGETS]
    for hit in hits:
        if not hit.cues & {Cue.NOT, Cue.NOT_AFTER}:
            continue
        after = [
            i
            for i in targets
            if hits[i].clause == hit.clause
            and 0 <= hits[i].start - hit.end <= _WINDOW
            and i not in negated
        ]
        before = [
            i
            for i in targets
            if hits[i].clause == hit.clause
            and 0 <= hit.start - hits[i].end <= _WINDOW
            and i not in negated
        ]
        come = [i for i in after if Cue.COME in hits[i].cues]
        if Cue.NOT in hit.cues and after:
            negated.add(after[0])
        elif Cue.NOT_AFTER in hit.cues and come:  # "nahi aa sakta": a verb follows
            negated.add(come[0])
        elif Cue.NOT_AFTER in hit.cues and before:  # "hasta değilim", "kommer ikke"
            negated.add(before[-1])
    return negated


def _signals(hits: list[_Hit]) -> set[Cue]:
    """What the message says once negations have turned cues around."""
    negated = _negated(hits)
    signals: set[Cue] = set()
    for index, hit in enumerate(hits):
        if hit.ordinal >= _ANSWER_WORDS:
            hit = replace(hit, cues=hit.cues - {Cue.YES, Cue.NO})
        if index not in negated:
            signals |= hit.cues - {Cue.COME, Cue.NOT, Cue.NOT_AFTER}
            continue
        signals |= hit.cues - _TARGETS - {Cue.NOT, Cue.NOT_AFTER}
        if Cue.SICK in hit.cues:
            signals.add(Cue.RECOVERED)  # "not sick anymore"
        elif Cue.RECOVERED in hit.cues:
            signals.add(Cue.SICK)  # "not better", "iyi değilim"
        elif Cue.COME in hit.cues:
            signals.add(Cue.ABSENT)  # "kan ikke komme", "nahi aa sakta"
    return signals


# When a message says several things, the first of these that it says wins.
_PRIORITY: tuple[tuple[Cue, Intent], ...] = (
    (Cue.SICK, Intent.SICK),
    (Cue.ABSENT, Intent.CANNOT_ATTEND),
    (Cue.RECOVERED, Intent.RECOVERED),
    (Cue.LATE, Intent.LATE),
    (Cue.AWAKE, Intent.AWAKE),
    (Cue.WAS_SICK, Intent.SICK),
    (Cue.BACK, Intent.RECOVERED),
    (Cue.HELP, Intent.HELP),
    (Cue.LANGUAGE, Intent.LANGUAGE),
    (Cue.YES, Intent.YES),
    (Cue.NO, Intent.NO),
)


def command(text: str) -> Intent | None:
    """A whole-message command (STOP, START, HELP, LANGUAGE), if the text is one."""
    words = [t for t in tokens(text) if t not in {".", "!"}]
    if len(words) == 2 and words[1] == "?":
        words = words[:1]
    if len(words) != 1:
        return None
    for intent, vocabulary in _COMMANDS.items():
        if words[0] in vocabulary:
            return intent
    return None


def classify(text: str) -> Intent:
    """The intent of a free-text message; UNKNOWN when nothing fits."""
    found = command(text)
    if found is not None:
        return found
    words = [_normal(t) for t in tokens(text)]
    signals = _signals(_hits(words))
    for cue, intent in _PRIORITY:
        if cue in signals:
            if intent == Intent.SICK and Cue.CHILD in signals:
                return Intent.CHILD_SICK
            return intent
    return Intent.UNKNOWN


def own_words(text: str) -> str | None:
    """The citizen's free text worth passing to the consultant, or None for a bare keyword."""
    stripped = " ".join(text.split())
    if len(tokens(stripped)) <= 3:
        return None
    return stripped[:500]
