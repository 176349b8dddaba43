; 教育行政执法台账 — the Windows installer (NSIS 3, Unicode).
;
; installer/build compiles it after the smoke test has passed:
;   makensis -INPUTCHARSET UTF8 -DVERSION=0.1.0 -DVERSION_QUAD=0.1.0.0 -DDIST_DIR=dist\zhifa
;            -DOUTFILE=dist\zhifa-taizhang-setup-0.1.0.exe -DICON=resources\icons\zhifa.ico
;            installer\zhifa.nsi
; It uses no plugin beyond System (shipped with NSIS), so it compiles with the Linux makensis
; in CI as well.
;
; - Per user, no administrator: %LOCALAPPDATA%\Programs\zhifa-taizhang, HKCU only.
; - Refuses to install or uninstall while the program runs: the named mutex the bundle's
;   runtime hook creates (installer/rthook_zhifa.py), and, for a copy started before that
;   existed, zhifa.exe / zhifa-cli.exe that cannot be opened for writing.
; - Upgrades in place: the old bundle (_internal\ and the two programs) is removed before the
;   new one is copied, so no file of an older version lingers.
; - The clerk's data (%LOCALAPPDATA%\zhifa-taizhang: ledger, backups, logs, settings; see
;   core/paths.py) lives outside the program folder and is removed only if the clerk ticks
;   the box on the uninstaller's components page, and confirms.

Unicode true
ManifestDPIAware true

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"

!ifndef VERSION | VERSION_QUAD | DIST_DIR | OUTFILE | ICON
  !error "makensis needs -DVERSION -DVERSION_QUAD -DDIST_DIR -DOUTFILE -DICON (installer/build passes them)"
!endif

!define PRODUCT "教育行政执法台账"
!define APPKEY "zhifa-taizhang"
!define GUI_EXE "zhifa.exe"
!define CLI_EXE "zhifa-cli.exe"
!define UNINSTALLER "uninstall.exe"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPKEY}"
!define RUNNING_MUTEX "Local\zhifa-taizhang-running"
; core/paths.py: platformdirs.user_data_dir("zhifa-taizhang", appauthor=False) on Windows
!define DATA_DIR "$LOCALAPPDATA\${APPKEY}"

Name "${PRODUCT}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APPKEY}"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
!ifdef FAST_COMPRESSION
  SetCompress off               ; CI only proves the script compiles against the bundle
!else
  SetCompressor /SOLID lzma
!endif
BrandingText "${PRODUCT} ${VERSION}"
ShowInstDetails show
ShowUninstDetails show

; ------------------------------------------------------------------ pages

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING

!define MUI_WELCOMEPAGE_TEXT "将在本机安装「${PRODUCT}」${VERSION}。$\r$\n$\r$\n\
  安装只针对当前 Windows 用户，不需要管理员权限。$\r$\n$\r$\n\
  如果已经安装过旧版本，将直接升级；台账数据、备份和设置都会保留。$\r$\n$\r$\n\
  安装前请先关闭正在运行的「${PRODUCT}」。"
!insertmacro MUI_PAGE_WELCOME
!define MUI_PAGE_CUSTOMFUNCTION_LEAVE CheckInstallDir
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\${GUI_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "现在启动「${PRODUCT}」"
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!define MUI_COMPONENTSPAGE_TEXT_TOP "台账数据默认保留：以后重新安装，数据仍在。$\r$\n\
  只有勾选第二项，才会删除本机的台账、备份、日志和设置（不可恢复）。"
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "SimpChinese"

VIProductVersion "${VERSION_QUAD}"
VIFileVersion "${VERSION_QUAD}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileDescription" "${PRODUCT} 安装程序"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "LegalCopyright" ""

; ------------------------------------------------------------------ running program check

; Sets $R0 to 1 if the program (window or command line) is running, else 0.
!macro DEFINE_IS_RUNNING PREFIX
Function ${PREFIX}IsRunning
  StrCpy $R0 0
  ; SYNCHRONIZE access is enough to learn that the mutex exists.
  System::Call 'kernel32::OpenMutexW(i 0x00100000, i 0, w "${RUNNING_MUTEX}") p .r1'
  ${If} $1 != 0
    System::Call 'kernel32::CloseHandle(p r1)'
    StrCpy $R0 1
    Return
  ${EndIf}
  ; A running .exe cannot be opened for writing (nothing is written: it is closed at once).
  ${If} ${FileExists} "$INSTDIR\${GUI_EXE}"
    ClearErrors
    FileOpen $2 "$INSTDIR\${GUI_EXE}" a
    ${If} ${Errors}
      StrCpy $R0 1
      Return
    ${EndIf}
    FileClose $2
  ${EndIf}
  ${If} ${FileExists} "$INSTDIR\${CLI_EXE}"
    ClearErrors
    FileOpen $2 "$INSTDIR\${CLI_EXE}" a
    ${If} ${Errors}
      StrCpy $R0 1
      Return
    ${EndIf}
    FileClose $2
  ${EndIf}
FunctionEnd

; Asks the clerk to close the program until it is closed; Cancel (or a silent run) gives up.
Function ${PREFIX}RefuseWhileRunning
  ${Do}
    Call ${PREFIX}IsRunning
    ${If} $R0 = 0
      Return
    ${EndIf}
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "「${PRODUCT}」正在运行。$\r$\n$\r$\n\
      请先保存并关闭程序（包括正在运行 zhifa-cli 的命令行窗口），再点“重试”。" \
      /SD IDCANCEL IDRETRY continue_check
    Abort
    continue_check:
  ${Loop}
FunctionEnd
!macroend

!insertmacro DEFINE_IS_RUNNING ""
!insertmacro DEFINE_IS_RUNNING "un."

; ------------------------------------------------------------------ install

Function .onInit
  SetShellVarContext current
  Call RefuseWhileRunning
FunctionEnd

; The program folder is removed wholesale on upgrade and uninstall: never let it be a folder
; that holds anything else.
Function CheckInstallDir
  ${If} ${FileExists} "$INSTDIR\${GUI_EXE}"
    Return                                      ; our own earlier installation: upgrade
  ${EndIf}
  ${IfNot} ${FileExists} "$INSTDIR\*.*"
    Return                                      ; a new folder
  ${EndIf}
  FindFirst $0 $1 "$INSTDIR\*.*"
  ${DoWhile} $1 != ""
    ${If} $1 != "."
    ${AndIf} $1 != ".."
      FindClose $0
      MessageBox MB_OK|MB_ICONEXCLAMATION "所选文件夹中已有其他文件：$\r$\n$INSTDIR$\r$\n$\r$\n\
        请选择一个新的空文件夹，或者原来的安装位置。"
      Abort
    ${EndIf}
    FindNext $0 $1
  ${Loop}
  FindClose $0
FunctionEnd

Section "-program"
  Call RefuseWhileRunning
  SetOutPath "$INSTDIR"

  ; Upgrade in place: the previous bundle goes first.
  ${If} ${FileExists} "$INSTDIR\${GUI_EXE}"
    DetailPrint "删除旧版本的程序文件…"
    RMDir /r "$INSTDIR\_internal"
    Delete "$INSTDIR\${GUI_EXE}"
    Delete "$INSTDIR\${CLI_EXE}"
    Delete "$INSTDIR\${UNINSTALLER}"
  ${EndIf}

  File /r "${DIST_DIR}\*.*"
  WriteUninstaller "$INSTDIR\${UNINSTALLER}"

  CreateShortCut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\${GUI_EXE}" "" "$INSTDIR\${GUI_EXE}" 0
  CreateShortCut "$DESKTOP\${PRODUCT}.lnk" "$INSTDIR\${GUI_EXE}" "" "$INSTDIR\${GUI_EXE}" 0

  ; 设置 → 应用 lists the program with its version and size, and can uninstall it.
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${GUI_EXE},0"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\${UNINSTALLER}"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\${UNINSTALLER}" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" $0
SectionEnd

; ------------------------------------------------------------------ uninstall

Function un.onInit
  SetShellVarContext current
  Call un.RefuseWhileRunning
FunctionEnd

Section "un.程序文件和快捷方式" SecUnProgram
  SectionIn RO
  Call un.RefuseWhileRunning
  Delete "$SMPROGRAMS\${PRODUCT}.lnk"
  Delete "$DESKTOP\${PRODUCT}.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${GUI_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  Delete "$INSTDIR\${UNINSTALLER}"
  RMDir "$INSTDIR"                              ; only if empty
  DeleteRegKey HKCU "${UNINST_KEY}"
SectionEnd

Section /o "un.同时删除台账数据、备份、日志和设置（不可恢复）" SecUnData
  ${If} ${FileExists} "${DATA_DIR}\*.*"
    MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 "确定要永久删除本机的台账数据吗？$\r$\n$\r$\n\
      ${DATA_DIR}$\r$\n$\r$\n其中的台账、自动备份、日志和设置都将删除，无法恢复。\
      保存在其他位置的备份不受影响。" /SD IDNO IDYES delete_data
    DetailPrint "已保留台账数据：${DATA_DIR}"
    Return
    delete_data:
    RMDir /r "${DATA_DIR}"
    DetailPrint "已删除台账数据：${DATA_DIR}"
  ${EndIf}
SectionEnd

!insertmacro MUI_UNFUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecUnProgram} "删除程序文件、开始菜单和桌面上的快捷方式。"
  !insertmacro MUI_DESCRIPTION_TEXT ${SecUnData} "删除 ${DATA_DIR} 中的台账数据库、自动备份、日志和设置。不勾选则保留。"
!insertmacro MUI_UNFUNCTION_DESCRIPTION_END
