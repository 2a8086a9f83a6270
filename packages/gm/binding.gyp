{
  "targets": [
    {
      "target_name": "yizheng_sm2",
      "sources": ["native/sm2p256.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-O3", "-fomit-frame-pointer", "-Wall", "-Wextra"],
      "cflags!": ["-O2", "-fno-omit-frame-pointer"],
      "cflags_c": ["-std=gnu11"],
      "xcode_settings": {
        "GCC_OPTIMIZATION_LEVEL": "3",
        "OTHER_CFLAGS": ["-O3", "-fomit-frame-pointer", "-Wall", "-Wextra", "-std=gnu11"]
      }
    }
  ]
}
