#!/usr/bin/env bash
# make-media.sh - synthetic adaptive-streaming test media for miniprobe's OTT player tests.
#
# Adapted from /work/shared/fixtures/make_ott.sh (the proven recipe that produced
# ott-MEASUREMENT.txt): same resolutions, same x264 CBR/AAC settings, same 2 s GOPs, and the
# same rule that every packaging is encoded straight from the synthetic source. (Stream-
# copying an intermediate MP4 breaks ffmpeg 5.1's hls muxer: it cannot derive CODECS=
# from avcC extradata.) Changes from it: DUR defaults to 12 s, DASH with SegmentTimeline,
# a Microsoft Smooth Streaming packaging (with a Manifest fix, see step 5), FACTS.txt.
#
# SIZE: the recipe's 400k/1200k/2500k/5000k ladder costs ~5.9 MB per second of DUR for the
# five packagings here (71 MB at 12 s), far over the 30 MB budget for a test cache. So the
# DEFAULT ladder is the same ladder scaled by 0.4 (same 1:3:6.25:12.5 ratios, same
# resolutions): 160k/480k/1000k/2000k, ~28 MB at 12 s. The original ladder is one
# variable away:  LADDER="400k:384x216:400 1200k:640x360:1200 2500k:960x540:2500 5000k:1280x720:5000"
#
#   tools/ott/make-media.sh OUTDIR     env DUR=seconds (default 12, use a multiple of 2)
#                                      env LADDER="name:WxH:kbps ..." (default above)
#
# Output (all relative to OUTDIR):
#   hls_ts/master.m3u8, hls_ts/{<name>...,audio}/index.m3u8 + seg_NNN.ts   (<name> = ladder name)
#   hls_fmp4/master.m3u8, hls_fmp4/<name>/index.m3u8 + init_<i>.mp4 (EXT-X-MAP) + seg_NNN.m4s
#   dash/manifest.mpd            SegmentTemplate $Number$ (init-<rep>.m4s, chunk-<rep>-NNNNN.m4s)
#   dash_timeline/manifest.mpd   SegmentTemplate + SegmentTimeline, same file names
#   mss/Manifest                 Smooth Streaming; fragments at
#                                mss/QualityLevels(<bitrate>)/Fragments(<video|audio>=<t in 100 ns>)
#   FACTS.txt                    per-directory sizes
set -euo pipefail
OUT=${1:?usage: make-media.sh OUTDIR}
DUR=${DUR:-12}
command -v ffmpeg >/dev/null || { echo "make-media.sh: ffmpeg not found" >&2; exit 2; }
mkdir -p "$OUT"; cd "$OUT"
rm -rf hls_ts hls_fmp4 dash dash_timeline mss FACTS.txt

# name:WxH:kbps   (CBR via x264 nal-hrd=cbr so segment sizes match the nominal rate)
read -r -a LADDER <<<"${LADDER:-160k:384x216:160 480k:640x360:480 1000k:960x540:1000 2000k:1280x720:2000}"
n=${#LADDER[@]}
fc="[0:v]split=$n"; for i in $(seq 0 $((n-1))); do fc+="[s$i]"; done; fc+=";"
maps=(); enc=(); vsm=()
for i in "${!LADDER[@]}"; do
    IFS=: read -r name wh kb <<<"${LADDER[$i]}"
    fc+="[s$i]scale=${wh/x/:}[v$i];"
    maps+=(-map "[v$i]")
    enc+=(-b:v:$i ${kb}k -maxrate:v:$i ${kb}k -minrate:v:$i ${kb}k -bufsize:v:$i $((kb))k)
    vsm+=("v:$i,agroup:aud,name:$name")
done
vsm+=("a:0,agroup:aud,name:audio")
fc=${fc%;}

src=(-f lavfi -i "testsrc2=size=1280x720:rate=25"
     -f lavfi -i "sine=frequency=1000:sample_rate=48000" -t "$DUR")
common=(-filter_complex "$fc" "${maps[@]}" -map 1:a
  -c:v libx264 -preset veryfast -profile:v main -pix_fmt yuv420p
  -g 50 -keyint_min 50 -sc_threshold 0 -x264-params nal-hrd=cbr:force-cfr=1 "${enc[@]}"
  -c:a aac -b:a 64k -ac 2)
ff=(ffmpeg -hide_banner -loglevel error -nostdin -y)

t0=$SECONDS
# 1) HLS, MPEG-TS segments
mkdir -p hls_ts
"${ff[@]}" "${src[@]}" "${common[@]}" \
  -f hls -hls_time 2 -hls_playlist_type vod -hls_segment_type mpegts \
  -hls_segment_filename 'hls_ts/%v/seg_%03d.ts' \
  -master_pl_name master.m3u8 -var_stream_map "${vsm[*]}" 'hls_ts/%v/index.m3u8'

# 2) HLS, fragmented MP4 (CMAF-style) segments
mkdir -p hls_fmp4
"${ff[@]}" "${src[@]}" "${common[@]}" \
  -f hls -hls_time 2 -hls_playlist_type vod -hls_segment_type fmp4 \
  -hls_fmp4_init_filename init.mp4 \
  -hls_segment_filename 'hls_fmp4/%v/seg_%03d.m4s' \
  -master_pl_name master.m3u8 -var_stream_map "${vsm[*]}" 'hls_fmp4/%v/index.m3u8'

# 3) MPEG-DASH, SegmentTemplate with $Number$ (no SegmentTimeline)
# 4) MPEG-DASH, SegmentTemplate with SegmentTimeline ($Number$ names, <S t= d= r=> timeline)
for d in dash:0 dash_timeline:1; do
  dir=${d%:*}; tl=${d#*:}
  mkdir -p "$dir"
  "${ff[@]}" "${src[@]}" "${common[@]}" \
    -f dash -seg_duration 2 -use_template 1 -use_timeline "$tl" \
    -adaptation_sets "id=0,streams=v id=1,streams=a" \
    -init_seg_name 'init-$RepresentationID$.m4s' \
    -media_seg_name 'chunk-$RepresentationID$-$Number%05d$.m4s' \
    "$dir/manifest.mpd"
done

# 5) Microsoft Smooth Streaming (libavformat/smoothstreamingenc.c). It writes mss/Manifest and
#    mss/QualityLevels(<bitrate>)/Fragments(<video|audio>=<start>) files, matching the Manifest's
#    Url="QualityLevels({bitrate})/Fragments(video={start time})". min_frag_duration 2 s so the
#    fragments follow the 2 s GOPs (its default is 5 s); window_size 0 = keep all (VOD manifest).
#    ffmpeg 5.1 writes the final (VOD) chunk list as <c n= d=> with no t=, which implies the
#    first fragment starts at 0, but it names the files by their real start times (video starts
#    at 800000 because of the B-frame composition offset, AAC at ~586667 for the encoder
#    delay), so every URL a client derives from the Manifest would 404. We add the real start
#    time as t= on each StreamIndex's first <c> (valid per MS-SSTR: later chunks follow by
#    adding d), then check every implied URL exists. The muxer's FragmentInfo(...) side files
#    (moof-only copies for live servers, not referenced by the Manifest) are deleted.
"${ff[@]}" "${src[@]}" "${common[@]}" \
  -f smoothstreaming -window_size 0 -min_frag_duration 2000000 mss
rm -f mss/QualityLevels*/FragmentInfo*
first_start() { # $1 = video|audio: smallest start time among Fragments($1=...) files
  ls mss/QualityLevels*/ | sed -n "s/^Fragments($1=\([0-9]*\))\$/\1/p" | sort -n | head -1
}
vt=$(first_start video); at=$(first_start audio)
[ -n "$vt" ] && [ -n "$at" ] || { echo "make-media.sh: no MSS fragments found" >&2; exit 1; }
awk -v vt="$vt" -v at="$at" '
  /<StreamIndex / { ty = ($0 ~ /Type="video"/) ? "video" : "audio"; first = 1 }
  /<c / && first { sub(/<c n="0" /, "<c n=\"0\" t=\"" (ty == "video" ? vt : at) "\" "); first = 0 }
  { print }' mss/Manifest > mss/Manifest.tmp && mv mss/Manifest.tmp mss/Manifest
# Verify: every URL the Manifest implies is a file (QualityLevels x chunk start times).
awk '
  /<StreamIndex / { match($0, /Url="[^"]*"/); url = substr($0, RSTART + 5, RLENGTH - 6); nq = 0; t = 0 }
  /<QualityLevel / { match($0, /Bitrate="[0-9]+"/); q[++nq] = substr($0, RSTART + 9, RLENGTH - 10) }
  /<c / { if (match($0, / t="[0-9]+"/)) t = substr($0, RSTART + 4, RLENGTH - 5) + 0
          for (i = 1; i <= nq; i++) { u = url; sub(/\{bitrate\}/, q[i], u); sub(/\{start time\}/, sprintf("%d", t), u); print u }
          match($0, / d="[0-9]+"/); t += substr($0, RSTART + 4, RLENGTH - 5) }
  ' mss/Manifest > mss/.urls
missing=0; nurl=0
while IFS= read -r u; do nurl=$((nurl + 1)); [ -f "mss/$u" ] || { echo "make-media.sh: MSS Manifest implies missing mss/$u" >&2; missing=1; }; done < mss/.urls
rm -f mss/.urls
[ "$missing" = 0 ] && [ "$nurl" -gt 0 ] || exit 1

{
  echo "DUR=$DUR LADDER=${LADDER[*]} build_seconds=$((SECONDS - t0))"
  du -sb hls_ts hls_fmp4 dash dash_timeline mss
} > FACTS.txt
cat FACTS.txt
