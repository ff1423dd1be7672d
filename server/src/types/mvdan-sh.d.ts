// Minimal typings for the parts of mvdan-sh (GopherJS build of mvdan.cc/sh/v3/syntax) LayerLens uses.
declare module 'mvdan-sh' {
  export interface ShPos {
    Offset(): number;
  }
  export interface ShNode {
    Pos(): ShPos;
    End(): ShPos;
  }
  export interface ShWordPart extends ShNode {
    Value?: string;
    Parts?: ShWordPart[];
  }
  export interface ShWord extends ShNode {
    Parts: ShWordPart[];
  }
  export interface ShCallExpr extends ShNode {
    Args: ShWord[];
    Assigns: ShNode[];
  }
  export interface ShFile extends ShNode {}
  export interface ShParser {
    Parse(src: string, name: string): ShFile;
  }
  export type ShParserOption = { readonly __option: unique symbol };
  export const syntax: {
    NewParser(...options: ShParserOption[]): ShParser;
    KeepComments(enabled: boolean): ShParserOption;
    Variant(lang: number): ShParserOption;
    LangBash: number;
    LangPOSIX: number;
    NodeType(node: unknown): string;
    Walk(node: ShNode, visit: (node: ShNode | null) => boolean): void;
  };
}
